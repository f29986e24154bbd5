"""Room and rack heat model; kernels.py holds the compiled time loop."""
