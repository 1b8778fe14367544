"""Django's PostgreSQL backend whose statements with more than 65,535 parameters are quoted on the client, as
Django sends them without server-side binding, and whose statements inside `dangol.common.db.plans.planned_per_value()`
are sent unprepared (settings' ENGINE on PostgreSQL with DANGOL_PG_PREPARED_STATEMENTS)."""
