"""Special-action pages (专项行动); config/urls.py includes the list."""

from django.urls import path

from inspections import action_views as views

urlpatterns = [
    path("inspections/actions/", views.action_list, name="special-action-list"),
    path("inspections/actions/<int:pk>/", views.action_detail, name="special-action-detail"),
    path("inspections/actions/<int:pk>/phases/", views.phase_set, name="special-action-phase-set"),
    path(
        "inspections/actions/<int:pk>/phases/<int:phase_pk>/remove/",
        views.phase_remove,
        name="special-action-phase-remove",
    ),
    path("inspections/actions/<int:pk>/group/", views.member_add, name="special-action-member-add"),
    path(
        "inspections/actions/<int:pk>/group/<int:member_pk>/remove/",
        views.member_remove,
        name="special-action-member-remove",
    ),
    path("inspections/actions/<int:pk>/plans/", views.plan_attach, name="special-action-plan-attach"),
    path(
        "inspections/actions/<int:pk>/plans/<int:plan_pk>/detach/",
        views.plan_detach,
        name="special-action-plan-detach",
    ),
    path("inspections/actions/<int:pk>/report/", views.report_issue, name="special-action-report-issue"),
    path("inspections/actions/<int:pk>/report.pdf", views.report_pdf, name="special-action-report-pdf"),
]
