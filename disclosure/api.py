"""GET /api/v1/public/disclosures/ — published random-check results and typical cases, for anyone."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from disclosure import selectors
from disclosure.models import Disclosure
from organisation.models import Region


class PublicDisclosureSerializer(serializers.ModelSerializer):
    subject_name = serializers.CharField(source="public_subject_name", help_text=_("persons: surname + 某"))

    class Meta:
        model = Disclosure
        fields = ["kind", "title", "published_on", "subject_name", "outcome", "summary"]


@extend_schema(
    parameters=[
        OpenApiParameter("kind", str, enum=Disclosure.Kind.values),
        OpenApiParameter("region", str, description="region code (统筹区); that region and those below it"),
    ]
)
class PublicDisclosureList(generics.ListAPIView):
    """Published disclosures, newest first. No account needed."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = PublicDisclosureSerializer
    queryset = Disclosure.objects.none()  # the schema's model; requests use get_queryset

    def get_queryset(self):
        kind = self.request.query_params.get("kind", "")
        region = None
        if code := self.request.query_params.get("region", "").strip():
            region = Region.objects.filter(code=code).first()
            if region is None:
                return Disclosure.objects.none()
        return selectors.public_disclosures(kind=kind if kind in Disclosure.Kind.values else "", region=region)
