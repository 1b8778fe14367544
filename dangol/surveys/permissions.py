"""Role permissions for surveys (merged by dangol.accounts.roles)."""

ROLE_PERMISSIONS = {
    "manager": [
        "surveys.view_survey",
        "surveys.add_survey",
        "surveys.change_survey",
        "surveys.add_invitation",
        "surveys.view_invitation",
        "surveys.view_response",
        "surveys.add_response",
    ],
    "agent": [
        "surveys.view_survey",
        "surveys.add_invitation",
        "surveys.view_invitation",
        "surveys.view_response",
    ],
    "analyst": [
        "surveys.view_survey",
        "surveys.view_response",
        "surveys.view_invitation",
        "surveys.add_response",
    ],
    "viewer": ["surveys.view_survey"],
}
