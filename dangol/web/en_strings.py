# English for the home page by role (dangol/web/templates/web/home_agent.html, home_team.html, _my_work.html).
EN: dict[str, str | tuple[str, str]] = {
    "내 업무": "My work",
    "담당자 없는 건": "Unassigned cases",
    "담당자 없는 건 보기": "See unassigned cases",
    "회사 전체 현황": "Company overview",
    "내 진행 중인 건": "My open cases",
    "모두 보기": "See all",
    "맡은 건이 없습니다.": "No cases assigned to you.",
    "오늘까지 지킬 약속": "Promises due today",
    "기한 지남": "Overdue",
    "오늘": "Today",
    "오늘까지 지킬 약속이 없습니다.": "No promises due today.",
    "약속 전체": "All promises",
    "회신할 연락": "Callbacks I owe",
    "회신 요청": "Call back",
    "회신할 연락이 없습니다.": "No callbacks owed.",
    "새로 배정된 건 (24시간)": "Newly assigned (24 hours)",
    "새로 배정된 건이 없습니다.": "Nothing newly assigned.",
    "우리 팀: %(name)s": "My team: %(name)s",
    "전체 VOC": "All VOC",
    "VOC 현황판": "VOC board",
    "팀 대기열": "Team queue",
    "담당자 없음": "Unassigned",
    "2시간 내 기한": "Due within 2 hours",
    "기한을 넘긴 건": "Overdue cases",
    "기한을 넘긴 건이 없습니다.": "No overdue cases.",
    "담당자를 정할 건": "Cases to assign",
    "모든 건에 담당자가 있습니다.": "Every case has an owner.",
    "담당자별 진행 중": "Open cases by owner",
    "배정된 건이 없습니다.": "No assigned cases.",
}

# Error messages raised to the user (services, views, commands).
EN.update(
    {
        "--customers는 1 이상이어야 합니다.": "--customers must be 1 or more.",
        "데이터베이스에 이미 고객이 있습니다. 빈 데이터베이스에서 실행하세요.": "The database already has customers. Run this on an empty database.",
    }
)
