from django.urls import path

from referrals import api, views

urlpatterns = [
    path("referrals/", views.referral_list_view, name="referral-list"),
    path("referrals/counter/", views.counter_referral_list, name="counter-referral-list"),
    path("referrals/counter/new/", views.counter_referral_new, name="counter-referral-new"),
    path("referrals/<int:pk>/", views.referral_detail_view, name="referral-detail"),
    path("referrals/<int:pk>/do/<slug:step>/", views.referral_act, name="referral-act"),
    path("referrals/<int:pk>/evidence/<int:evidence_id>/", views.referral_evidence_file, name="referral-evidence-file"),
    path("tasks/referral/<int:task_id>/", views.referral_task, name="referral-task"),
]

api_urlpatterns = api.urlpatterns
