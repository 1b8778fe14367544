ROLE_PERMISSIONS = {
    "manager": [
        "voc.view_case",
        "voc.add_case",
        "voc.change_case",
        "voc.override_case_step",
        "voc.review_exit",
        "voc.add_customerflag",
        "voc.change_customerflag",
        "voc.view_customerflag",
        "voc.view_preventionaction",
        "voc.change_preventionaction",
        # the team's empathetic reply templates (the reply-template page)
        "voc.view_replytemplate",
        "voc.add_replytemplate",
        "voc.change_replytemplate",
    ],
    "agent": [
        "voc.view_case",
        "voc.add_case",
        "voc.change_case",
        "voc.add_customerflag",
        "voc.view_customerflag",
        "voc.view_preventionaction",
    ],
    "analyst": ["voc.view_case", "voc.view_preventionaction", "voc.view_customerflag"],
    "viewer": ["voc.view_case"],
}
