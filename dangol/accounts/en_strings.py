# English for the accounts UI strings (merged into the catalogue by scripts/fill_po.py).
EN: dict[str, str | tuple[str, str]] = {
    # API token scopes
    "VOC 조회": "Read VOC cases",
    "VOC 등록/처리": "Create/handle VOC cases",
    "설문 조회": "Read surveys",
    "설문 등록/응답": "Create/answer surveys",
    # deployment checks (dangol.accounts.checks)
    "비밀 키(SECRET_KEY)가 공개된 값이거나 너무 약합니다.": "The secret key (SECRET_KEY) is a public value or too weak.",
    "DANGOL_SECRET_KEY 에 50자 이상의 무작위 값을 넣으세요.": "Set DANGOL_SECRET_KEY to a random value of 50 or more characters.",
    "DANGOL_SECRET_KEY 가 설정되지 않아 var/ 에 자동 생성한 비밀 키를 쓰고 있습니다.": (
        "DANGOL_SECRET_KEY is not set: the server uses a key generated in var/."
    ),
    "운영 서버에서는 DANGOL_SECRET_KEY 에 무작위 값을 넣으세요 (모든 서버가 같은 값).": (
        "In production set DANGOL_SECRET_KEY to a random value (the same on every server)."
    ),
}

# The staff page and the admin site
EN.update(
    {
        "단골 관리": "Dangol administration",
        "관리 메뉴": "Administration",
        "로그인 잠금": "Login lockouts",
        "직원과 권한": "Staff and permissions",
        "접점과 상호작용": "Touchpoints and interactions",
        "개인정보 보호": "Personal data protection",
        "VOC(고객의 소리)": "VOC (voice of the customer)",
        "화면": "Pages",
        "직원": "Staff",
        "팀 없음": "No team",
        "로그인에 쓰는 아이디입니다. 영문, 숫자와 @ . + - _ 만 쓸 수 있습니다.": (
            "The ID used to sign in: letters, digits and @ . + - _ only."
        ),
        "예: 김민지 팀장": "e.g. Team lead Minji Kim",
        "처음 비밀번호": "Initial password",
        "8자 이상. 본인에게 따로 전달하세요.": "At least 8 characters. Give it to the person separately.",
        "이미 있는 아이디입니다.": "This ID is already taken.",
        "자기 자신의 관리자 역할은 바꿀 수 없습니다. 다른 관리자에게 요청하세요.": (
            "You cannot change your own admin role. Ask another admin."
        ),
        "자기 자신의 로그인은 비활성화할 수 없습니다.": "You cannot deactivate your own login.",
        "‘%(name)s’(%(username)s) 로그인을 만들었습니다. 처음 비밀번호를 본인에게 전달하세요.": (
            "Created the login ‘%(name)s’ (%(username)s). Give them the initial password."
        ),
        "‘%(name)s’의 역할과 팀을 저장했습니다.": "Saved the role and team of ‘%(name)s’.",
        "‘%(username)s’ 로그인을 다시 쓸 수 있게 했습니다.": "The login ‘%(username)s’ can sign in again.",
        "‘%(username)s’ 로그인을 비활성화했습니다. 더 이상 로그인할 수 없습니다.": (
            "Deactivated the login ‘%(username)s’. It can no longer sign in."
        ),
        "직원 변경": "Edit staff member",
        "직원 목록": "Staff list",
        "비활성화하면 이 아이디로 더 이상 로그인할 수 없습니다. 처리한 기록은 그대로 남습니다.": (
            "A deactivated ID can no longer sign in. Its work stays on record."
        ),
        "로그인 비활성화": "Deactivate login",
        "비활성화된 로그인입니다.": "This login is deactivated.",
        "다시 사용하게 하기": "Reactivate",
        "직원과 로그인": "Staff and logins",
        "마지막 로그인": "Last sign-in",
        "최고 관리자": "Superuser",
        "사용 중": "Active",
        "비활성": "Deactivated",
        "새 로그인 만들기": "Create a login",
        "로그인 만들기": "Create login",
    }
)
EN.update(
    {
        "포인트·멤버십 조회": "Read points and membership",
        "포인트 적립/사용, 쿠폰 사용": "Earn/redeem points, redeem coupons",
    }
)

# Error messages raised to the user (services, views, commands).
EN.update(
    {
        "로그인이 필요합니다.": "You need to log in.",
        "알 수 없는 권한 범위입니다: %(scopes)s": "Unknown scope: %(scopes)s",
        "알 수 없는 역할입니다: %(role)s": "Unknown role: %(role)s",
        "정보주체 요구 조회": "Read data-subject requests",
        "정보주체 요구 접수/처리": "Open and handle data-subject requests",
        "개인정보 보호책임자": "Privacy officer",
    }
)
