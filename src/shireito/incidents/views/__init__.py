"""The incident pages: the list, a draft's form and the reporter's updates, submitting along a
route the governance model allows, a report's page with its route as a timeline, its regime
clocks and the actions of whoever has it now, attachments, the reporting regimes and the
notices.

Every report is read through the scoped selectors (who is no party gets 404) and every write
is one service call; the services decide who may do what, the pages only offer what the user
may do and show the services' refusals as errors. Each action is a plain POST form that
redirects back with a message, or shows the page again with its errors.

One module per entity (``reports``, ``route``, ``filings``, ``attachments``, ``notices``); the
STIX export, intake and publication pages are in ``views_stix``.
"""
