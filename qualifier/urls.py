"""The review queue (leads to decide) and its second tab (follow-ups to approve)."""

from django.urls import path

from qualifier import views, views_messages

urlpatterns = [
    path("review/", views.review, name="review"),
    path("review/<int:pk>/decide/", views.review_decide, name="review_decide"),
    path("review/undo/", views.review_undo, name="review_undo"),
    path("review/messages/", views_messages.message_queue, name="review_messages"),
    path("review/messages/<int:pk>/approve/", views_messages.message_approve, name="message_approve"),
    path("review/messages/<int:pk>/reject/", views_messages.message_reject, name="message_reject"),
]
