"""Referrals over the API (shared/api.md "Referrals"): the caller's inbox, the package, and the
receiving agency's receipt, decision and outcomes. Errors in the api.md shape (config.api)."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action as route
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from referrals import services
from referrals.access import access_referral_by_id
from referrals.models import Referral
from referrals.selectors import referral_detail, referral_list
from referrals.serializers import (
    AcceptIn,
    ForwardedSerializer,
    ForwardIn,
    OutcomeIn,
    OutcomeSerializer,
    ReferralDetailSerializer,
    ReferralSerializer,
    RejectIn,
)


class ReferralFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Referral.Status.choices)
    kind = django_filters.ChoiceFilter(choices=Referral.Kind.choices)

    class Meta:
        model = Referral
        fields = ["status", "kind"]


class ReferralViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ReferralSerializer
    filterset_class = ReferralFilter
    queryset = Referral.objects.none()  # the schema's model; requests use get_queryset

    def get_queryset(self):
        return referral_list(user=self.request.user)

    def get_object(self):
        return access_referral_by_id(self.request.user, self.kwargs["pk"])

    def _detail(self, referral):
        referral = access_referral_by_id(self.request.user, referral.pk)
        context = {"request": self.request, "detail": referral_detail(referral)}
        return Response(ReferralDetailSerializer(referral, context=context).data)

    @extend_schema(responses=ReferralDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    def _to_handle(self):
        """The referral, for the receiving agency's step: refused (403) before its body is read."""
        return access_referral_by_id(self.request.user, self.kwargs["pk"], perm=services.HANDLE)

    def _input(self, serializer_class):
        data = serializer_class(data=self.request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data

    @extend_schema(request=None, responses=ReferralDetailSerializer)
    @route(detail=True, methods=["post"])
    def receipt(self, request, pk=None):
        """Sign the 回执 (idempotent)."""
        referral = services.referral_receipt(referral=self._to_handle(), by=request.user)
        return self._detail(referral)

    @extend_schema(request=AcceptIn, responses=ReferralDetailSerializer)
    @route(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept (立案/受理) with your own case number; signs the receipt first if nobody has."""
        referral = self._to_handle()
        data = self._input(AcceptIn)
        return self._detail(services.referral_accept(referral=referral, by=request.user, **data))

    @extend_schema(request=RejectIn, responses=ReferralDetailSerializer)
    @route(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Refuse, with written reasons (required)."""
        referral = self._to_handle()
        data = self._input(RejectIn)
        return self._detail(services.referral_reject(referral=referral, by=request.user, reason=data["reason"]))

    @extend_schema(request=ForwardIn, responses=ForwardedSerializer)
    @route(detail=True, methods=["post"])
    def forward(self, request, pk=None):
        """Not your jurisdiction: forward to the competent agency (by code) with the reason."""
        referral = self._to_handle()
        data = self._input(ForwardIn)
        referral = services.referral_forward(
            referral=referral, by=request.user, agency_code=data["agency"], reason=data["reason"]
        )
        # The caller's agency no longer sees the referral: answer with where it went.
        return Response(
            {
                "id": referral.pk,
                "status": referral.status,
                "status_display": referral.get_status_display(),
                "to_agency": {"code": referral.to_agency.code, "name": referral.to_agency.name},
            }
        )

    @extend_schema(request=OutcomeIn, responses={200: OutcomeSerializer})
    @route(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        """Report an outcome (立案侦查, 移送起诉, 判决, 不起诉, 处分, ...); a final one concludes the referral."""
        referral = self._to_handle()
        data = self._input(OutcomeIn)
        outcome = services.referral_outcome_record(referral=referral, by=request.user, **data)
        return Response(OutcomeSerializer(outcome).data)


router = SimpleRouter(trailing_slash=True)
router.register("referrals", ReferralViewSet, basename="referral")
urlpatterns = router.urls
