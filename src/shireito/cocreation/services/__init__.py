"""Every change on the co-creation platform, each one service call in one transaction with
its audit-trail rows: spaces and membership (``spaces``), threads and posts (``posts``)."""
