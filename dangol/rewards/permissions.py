"""What each role may do in the loyalty program (merged by dangol.accounts.roles)."""

_SEE = ["rewards.view_pointbalance", "rewards.view_pointentry", "rewards.view_couponissue"]
ROLE_PERMISSIONS = {
    # Store and call-centre staff earn and redeem (POS tokens), correct small amounts and issue coupons.
    "agent": [*_SEE, "rewards.redeem_points", "rewards.adjust_points", "rewards.add_couponissue"],
    "manager": [
        *_SEE,
        "rewards.redeem_points",
        "rewards.adjust_points",
        "rewards.approve_adjustment",
        "rewards.add_couponissue",
        "rewards.view_program",
        "rewards.change_program",  # the rules, on the program page
    ],
    "analyst": [*_SEE, "rewards.view_program"],
    "viewer": ["rewards.view_pointbalance"],
}
