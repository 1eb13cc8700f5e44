from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Pages of 50 rows with the total count; `?taille=` asks for up to 500."""

    page_query_param = "page"
    page_size_query_param = "taille"
    max_page_size = 500
