ROLE_PERMISSIONS = {
    "manager": ["loyalty.view_customervalue", "loyalty.view_valuerun"],
    "analyst": ["loyalty.view_customervalue", "loyalty.view_valuerun"],
}
