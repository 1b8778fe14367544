"""What each role may do with journeys and next best actions (merged by dangol.accounts.roles)."""

ROLE_PERMISSIONS = {
    # Agents see the suggestions on the 360 page and accept or dismiss them.
    "agent": ["journeys.add_actiondecision"],
    "manager": ["journeys.view_journey", "journeys.manage_journey", "journeys.add_actiondecision"],
    "analyst": ["journeys.view_journey"],
}
