"""The API's pages."""

from __future__ import annotations

from rest_framework import pagination


class Pagination(pagination.PageNumberPagination):
    """`?page=` and `?page_size=` (at most 500). A page that is not one (-1, "abc", past the
    end) is a 404 with a message."""

    page_size_query_param = "page_size"
    max_page_size = 500
