from awards.views import nominations

app_name = "awards"

urlpatterns = [*nominations.urls]
