"""The capped paginator: an exact count up to the cap, "more than" beyond it, on querysets and lists."""

from kafaat.core.models import Territory
from kafaat.core.pages import CappedPaginator


def test_a_list_shorter_than_the_cap_is_counted_exactly():
    paginator = CappedPaginator(list(range(7)), 5, cap=10)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (7, False, 2)


def test_beyond_the_cap_the_count_stops_and_the_pages_end_at_the_cap():
    paginator = CappedPaginator(list(range(100)), 5, cap=12)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (12, True, 3)
    assert list(paginator.get_page(3)) == [10, 11]
    assert list(paginator.get_page(9)) == [10, 11]  # past the end: the last page, as Django's paginator


def test_a_queryset_is_counted_without_reading_past_the_cap(db, django_assert_num_queries):
    territories = Territory.objects.order_by("code")
    total = territories.count()
    assert total > 5
    paginator = CappedPaginator(territories, 2, cap=5)
    with django_assert_num_queries(1) as captured:
        assert paginator.count == 5 and paginator.capped
    assert "LIMIT 6" in captured.captured_queries[0]["sql"]
    assert CappedPaginator(territories, 2, cap=total).capped is False
