"""Who may do what with data-subject requests (merged by dangol.accounts.roles).

Managers (and admins, who hold every permission) act on requests: verify, assign, extend, refuse, carry out,
and see the retention page. Agents take a request on the phone and open it; they do not see the queue.

The privacy officer (개인정보 보호책임자, role "privacy_officer") is this app's own role: the request queue and
its actions, the retention page with the destruction log, the customer records a request is about (with the
personal data and its export, which an access request hands over) and the access log. Nothing of marketing:
no segments, campaigns, journeys, messages, consents or rewards, and no case work."""

_HANDLE = [
    "lifecycle.view_subjectrequest",
    "lifecycle.add_subjectrequest",
    "lifecycle.handle_subjectrequest",
    "lifecycle.view_destructionlog",
]
ROLE_PERMISSIONS = {
    "manager": _HANDLE,
    "agent": ["lifecycle.add_subjectrequest"],
    "privacy_officer": _HANDLE
    + [
        "customers.view_customer",
        "customers.view_personal_data",
        "customers.export_personal_data",
        "orders.view_order",
        "interactions.view_interaction",
        "privacy.view_accesslog",
    ],
}
