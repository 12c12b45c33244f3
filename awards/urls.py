from awards.views import decisions, history, nominations, review

app_name = "awards"

urlpatterns = [*nominations.urls, *review.urls]
urlpatterns += [*decisions.urls, *history.urls]
