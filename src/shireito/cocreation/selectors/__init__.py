"""Every read of the co-creation platform, through the one scoping layer: spaces
(``spaces``), threads and posts (``threads``)."""
