"""Make demo members (friends with each other) and print each as 'MAIL PASSWORD'."""
from . import connect

NAME = "seed"


def run(args) -> None:
    from keitai.social import demo

    connect(migrate=True)
    for mail, password in demo.seed_demo():
        print(f"{mail} {password}")
