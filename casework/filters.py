import django_filters
from django.db.models import Q
from django.utils import timezone

from casework.models import Case, CaseTrack, Lead


def _subject_filter(queryset, name, value):
    value = (value or "").strip()
    match = Q(subjects__code=value)
    if value.isdigit() and len(value) < 19:
        match |= Q(subjects__pk=int(value))
    return queryset.filter(pk__in=queryset.model.objects.filter(match).values("pk"))


class LeadFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Lead.Status.choices)
    source_kind = django_filters.ChoiceFilter(choices=Lead.SourceKind.choices)
    subject = django_filters.CharFilter(method=_subject_filter, help_text="subject code or id")
    received_from = django_filters.DateFilter(field_name="received_at", lookup_expr="date__gte")
    received_to = django_filters.DateFilter(field_name="received_at", lookup_expr="date__lte")
    overdue = django_filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = Lead
        fields = ["status", "source_kind", "subject", "received_from", "received_to", "overdue"]

    def filter_overdue(self, queryset, name, value):
        late = Q(status=Lead.Status.PENDING, deadline__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Case.Status.choices)
    subject = django_filters.CharFilter(method=_subject_filter, help_text="subject code or id")
    track = django_filters.ChoiceFilter(choices=CaseTrack.Kind.choices, method="filter_track")
    overdue = django_filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = Case
        fields = ["status", "subject", "track", "overdue"]

    def filter_track(self, queryset, name, value):
        return queryset.with_track(value)

    def filter_overdue(self, queryset, name, value):
        late = queryset.overdue().values("pk")
        return queryset.filter(pk__in=late) if value else queryset.exclude(pk__in=late)
