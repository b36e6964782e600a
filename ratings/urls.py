"""Rating pages; config/urls.py includes them."""

from django.urls import path

from ratings import views

urlpatterns = [
    path("ratings/", views.rating_list_view, name="rating-list"),
    path("ratings/<int:subject_id>/<int:year>/", views.evaluation_view, name="rating-evaluation"),
    path("ratings/<int:subject_id>/<int:year>/deductions/", views.deduction_add_view, name="rating-deduction-add"),
    path(
        "ratings/<int:subject_id>/<int:year>/deductions/<int:deduction_id>/repair/",
        views.deduction_repair_view,
        name="rating-deduction-repair",
    ),
]
