from awards.views import nominations, review

app_name = "awards"

urlpatterns = [*nominations.urls, *review.urls]
