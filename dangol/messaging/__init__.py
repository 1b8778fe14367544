"""Messages to customers (e-mail, SMS/LMS, KakaoTalk) and notices to staff, with Korea's advertising law built in.

The interface other apps call (full description: docs/messaging.md):
- `services.message_queue(*, customer=None, purpose_ref, contact=None, template_code=None, template=None,
  variables=None, channel=None, prefer=None, sender=None, by=None, now=None) -> Message`: writes the message in
  the caller's transaction (transactional outbox), idempotent on `purpose_ref`; raises `rules.MessagingError`
  (Korean) for bad input. `contact=services.Contact(name, phone, email)` instead of a customer: an informational
  message to a bare address (a public-form VOC case).
- `services.messages_queue_bulk(*, recipients, template_code=None, template=None, channel=None, prefer=None,
  sender=None, by=None, now=None) -> BulkResult`: a campaign, with exactly message_queue's rules. The recipients'
  customers may be loaded with only `services.DRAFT_CUSTOMER_FIELDS` (the columns a draft reads).
- `services.staff_notify(*, user, kind, text, link="", ref="") -> StaffNotice`: the bell, and e-mail if asked.
- `providers.register_last_purchase(provider, many=None)`: the 6-month same-kind exemption's data source.
- `system.system_templates_register(templates)`: an app's own templates (VOC, surveys), made after migrate.
- `selectors.message_timeline_entries(customer, *, user, ...)`: messages on the 360 timeline;
  `selectors.message_replied_to(*headers)`: our message an e-mail answers (In-Reply-To / References).

The rules live in `rules.py`; sending, delivery reports and crash recovery in `sending.py` (its docstring
states what happens when the worker dies between the provider's answer and our commit).
"""
