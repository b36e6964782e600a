"""Rewards over the API (shared/api.md "Rewards"): reward handlers, finance and the section heads and
head of the owning bureau read them; confidential parts only for the roles allowed."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from casework.access import parse_id
from rewards import services
from rewards.models import Reward
from rewards.serializers import RewardDetailSerializer, RewardSerializer


class RewardFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Reward.Status.choices)

    class Meta:
        model = Reward
        fields = ["status"]


class RewardViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RewardSerializer
    filterset_class = RewardFilter
    queryset = Reward.objects.none()  # the schema's model; requests use get_queryset

    def get_queryset(self):
        return (
            Reward.objects.visible_to(self.request.user).select_related("case", "report").order_by("-created_at", "-pk")
        )

    @extend_schema(responses=RewardDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        from django.http import Http404

        reward = self.get_queryset().filter(pk=parse_id(kwargs["pk"])).first()
        if reward is None:
            raise Http404
        user = request.user
        context = {"request": request}
        if user.has_perm(services.HANDLE, reward) and (reward.claimant_token or not reward.report.anonymous):
            context["reporter"] = services.reward_claimant(reward=reward, by=user)
        if reward.payment_token and (user.has_perm(services.PAYMENT, reward) or user.has_perm(services.HANDLE, reward)):
            context["payment"] = services.reward_payment_details(reward=reward, by=user)
        return Response(RewardDetailSerializer(reward, context=context).data)


router = SimpleRouter(trailing_slash=True)
router.register("rewards", RewardViewSet, basename="reward")
urlpatterns = router.urls
