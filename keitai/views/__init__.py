"""bottle routes, one module per feature; each module has a ``routes`` RouteTable.

Views are thin: read input, call keitai.social, render.  ``create_app`` installs
every module found here.
"""
