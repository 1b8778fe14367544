"""Who may do what with data-subject requests (merged by dangol.accounts.roles).

Managers (and admins, who hold every permission) act on requests: verify, assign, extend, refuse, carry out,
and see the retention page. Agents take a request on the phone and open it; they do not see the queue."""

_HANDLE = [
    "lifecycle.view_subjectrequest",
    "lifecycle.add_subjectrequest",
    "lifecycle.handle_subjectrequest",
    "lifecycle.view_destructionlog",
]
ROLE_PERMISSIONS = {
    "manager": _HANDLE,
    "agent": ["lifecycle.add_subjectrequest"],
}
