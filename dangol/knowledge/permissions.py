"""What each role may do in the FAQ (merged by dangol.accounts.roles): managers write and publish articles and
see what readers could not find; agents read articles to link them in replies."""

_WRITE = [
    "knowledge.view_article",
    "knowledge.add_article",
    "knowledge.change_article",
    "knowledge.delete_article",
    "knowledge.view_searchquery",
]
ROLE_PERMISSIONS = {
    "manager": _WRITE,
    "agent": ["knowledge.view_article"],
    "analyst": ["knowledge.view_article", "knowledge.view_searchquery"],
    "viewer": ["knowledge.view_article"],
}
