"""What each role may do with segments and campaigns (merged by dangol.accounts.roles).

Managers build segments and create and launch campaigns; analysts build segments and read campaign reports;
agents and viewers neither (their work is the customer in front of them)."""

_READ = ["campaigns.view_segment", "campaigns.view_campaign"]
ROLE_PERMISSIONS = {
    "manager": [
        *_READ,
        "campaigns.add_segment",
        "campaigns.change_segment",
        "campaigns.delete_segment",
        "campaigns.add_campaign",
        "campaigns.launch_campaign",
    ],
    "analyst": [*_READ, "campaigns.add_segment", "campaigns.change_segment"],
}
