from medoffice.core.roles import Role


def test_front_desk_sees_the_home_page(client_for):
    client = client_for(Role.FRONT_DESK)
    assert client.get("/").status_code == 200
