from django.db.models import Count

from kafaat.core.models import Territory
from kafaat.core.territories import reference_rows


def test_the_migration_loads_12_regions_75_provinces_and_every_commune(db):
    counts = dict(Territory.objects.values_list("level").annotate(n=Count("id")))
    communes_in_file = sum(1 for row in reference_rows() if row.level == "commune")
    assert counts == {"region": 12, "province": 75, "commune": communes_in_file}
    assert communes_in_file == 881


def test_regions_carry_their_iso_3166_2_codes_and_three_names(db):
    codes = sorted(Territory.objects.filter(level="region").values_list("code", flat=True))
    assert codes == [f"MA-{n:02d}" for n in range(1, 13)]
    oriental = Territory.objects.get(code="MA-02")
    assert (oriental.name_fr, oriental.name_ar, oriental.name_en) == ("Oriental", "الشرق", "Oriental")
    assert all(t.name_ar and t.name_en for t in Territory.objects.all())


def test_every_province_hangs_under_its_region_and_every_commune_under_a_province(db):
    assert not Territory.objects.filter(level="province").exclude(parent__level="region").exists()
    assert not Territory.objects.filter(level="commune").exclude(parent__level="province").exists()
    oujda = Territory.objects.get(code="02.411")
    assert oujda.parent.code == "MA-02"
    assert oujda.kind == "prefecture"
    assert oujda.population_2024 > 0


def test_the_path_makes_a_subtree_one_prefix_query(db):
    oriental = Territory.objects.get(code="MA-02")
    subtree = Territory.objects.filter(path__startswith=oriental.path)
    assert subtree.filter(level="province").count() == 8  # HCP: Oriental has 8 provinces and prefectures
    assert all(oriental.contains(t) for t in subtree)
    assert not oriental.contains(Territory.objects.get(code="01.511"))
    commune = subtree.filter(level="commune").first()
    assert commune.region == oriental


def test_the_name_follows_the_active_language(db):
    from django.utils import translation

    region = Territory.objects.get(code="MA-01")
    with translation.override("ar"):
        assert region.name == "طنجة-تطوان-الحسيمة"
    with translation.override("fr"):
        assert region.name == "Tanger-Tétouan-Al Hoceima"
