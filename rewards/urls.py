from django.urls import path

from rewards import views

urlpatterns = [
    path("rewards/", views.reward_list_view, name="reward-list"),
    path("rewards/statistics/", views.reward_statistics_view, name="reward-statistics"),
    path("rewards/<int:pk>/", views.reward_detail_view, name="reward-detail"),
    path("rewards/<int:pk>/do/<slug:step>/", views.reward_act, name="reward-act"),
    path("rewards/<int:pk>/identity/", views.reward_identity, name="reward-identity"),
    path("rewards/<int:pk>/payment/", views.reward_payment, name="reward-payment"),
    path("cases/<int:pk>/reward/start/", views.reward_start_view, name="reward-start"),
    path("tasks/reward/<int:task_id>/", views.reward_task, name="reward-task"),
]
