from .robustness_plot import plot_robustness

__all__ = ['plot_robustness']
