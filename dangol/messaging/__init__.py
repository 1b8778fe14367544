"""Messages to customers (e-mail, SMS/LMS, KakaoTalk) and notices to staff, with Korea's advertising law built in.

The interface other apps call (full description: docs/messaging.md):
- `services.message_queue(*, customer, purpose_ref, template_code=None, template=None, variables=None,
  channel=None, sender=None, by=None, now=None) -> Message`: writes the message in the caller's transaction
  (transactional outbox), idempotent on `purpose_ref`; raises `rules.MessagingError` (Korean) for bad input.
- `services.staff_notify(*, user, kind, text, link="", ref="") -> StaffNotice`: the bell, and e-mail if asked.
- `providers.register_last_purchase(provider)`: the 6-month same-kind transaction exemption's data source.
- `selectors.message_timeline_entries(customer, *, user, ...)`: messages on the 360 timeline.

The rules live in `rules.py`; sending, delivery reports and crash recovery in `sending.py` (its docstring
states what happens when the worker dies between the provider's answer and our commit).
"""
