from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "kafaat.synth"
    label = "synth"
    verbose_name = "Synthetic data"
