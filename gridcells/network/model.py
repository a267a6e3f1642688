"""The path-integrating recurrent network of Sorscher et al. (2019) and its loss.

g_0 = W_enc p(x_0);  g_t = f(W_hh g_{t-1} + W_ih v_t);  logits_t = W_dec g_t
No biases. f is ReLU (or tanh). The loss is the cross-entropy between softmax(logits_t)
and the place code p(x_t), plus ``weight_decay * sum(W_hh^2)``. Parameter names match
the original repository's state dicts (``encoder``, ``RNN``, ``decoder``), so its
weights load directly.
"""

from __future__ import annotations

import torch
from torch import nn

from gridcells.world.config import Config
from gridcells.world.place_cells import PlaceCells, decode_topk


class PathRNN(nn.Module):
    """Vanilla RNN (``RNN_type: RNN``) or LSTM path integrator.

    Attributes
    ----------
    encoder : Linear Np -> Ng, initial hidden state from the starting place code
    RNN : torch RNN/LSTM with input 2 (velocity, m/step) and Ng hidden units, no biases
    decoder : Linear Ng -> Np, place-cell logits
    centers : buffer [Np, 2] (m), the place-cell centres the model was trained with
    """

    def __init__(self, cfg: Config, centers: torch.Tensor | None = None):
        super().__init__()
        self.cfg = cfg
        with torch.random.fork_rng(devices=[]):  # torch's default init must not move global state
            self.encoder = nn.Linear(cfg.Np, cfg.Ng, bias=False)
            if cfg.RNN_type == "RNN":
                self.RNN = nn.RNN(2, cfg.Ng, nonlinearity=cfg.activation, bias=False)
            else:
                self.RNN = nn.LSTM(2, cfg.Ng, bias=False)
                # the cell state starts from the place code too
                self.encoder_c = nn.Linear(cfg.Np, cfg.Ng, bias=False)
            self.decoder = nn.Linear(cfg.Ng, cfg.Np, bias=False)
        self.init_weights(cfg.seed)
        if centers is None:
            centers = PlaceCells(cfg).centers
        self.register_buffer("centers", torch.as_tensor(centers, dtype=torch.float32).clone())

    @property
    def device(self) -> torch.device:
        """The device the weights are on (where paths must be for :meth:`hidden`)."""
        return next(self.parameters()).device

    def place_cells(self) -> PlaceCells:
        """The place-cell code the network was trained with (its ``centers``, on the CPU)."""
        return PlaceCells(self.cfg, self.centers.cpu())

    @torch.no_grad()
    def init_weights(self, seed: int) -> None:
        """PyTorch's default initialisation (uniform +-1/sqrt(fan_in); +-1/sqrt(Ng) for the
        recurrent cell), drawn from a private generator seeded with ``seed``; W_hh then follows
        ``init_recurrent`` (identity or orthogonal, vanilla RNN only)."""
        gen = torch.Generator().manual_seed(seed)
        for name, param in self.named_parameters():
            fan_in = self.cfg.Ng if name.startswith("RNN.") else param.shape[1]
            bound = fan_in ** -0.5
            param.copy_(torch.rand(param.shape, generator=gen) * 2 * bound - bound)
        if self.cfg.RNN_type == "RNN" and self.cfg.init_recurrent != "uniform":
            w = self.RNN.weight_hh_l0
            if self.cfg.init_recurrent == "identity":
                w.copy_(torch.eye(self.cfg.Ng))
            else:
                q, r = torch.linalg.qr(torch.randn(w.shape, generator=gen))
                w.copy_(q * torch.sign(torch.diagonal(r)))

    def hidden(self, velocities: torch.Tensor, init_code: torch.Tensor) -> torch.Tensor:
        """Hidden states g [T, B, Ng] for velocities [T, B, 2] and initial codes [B, Np]."""
        h0 = self.encoder(init_code)[None]
        if getattr(self.cfg, "velocity_input", "linear") == "conformal":
            return self._conformal_hidden(velocities, h0[0])
        if self.cfg.RNN_type == "RNN":
            g, _ = self.RNN(velocities, h0)
        else:
            g, _ = self.RNN(velocities, (h0, self.encoder_c(init_code)[None]))
        return g

    def conformal_input(self, velocities: torch.Tensor) -> torch.Tensor:
        """The conformally normalised velocity input [T, B, Ng] for velocities [T, B, 2]:
        W_ih v rescaled to the norm |v| * ||W_ih||_F / sqrt(2), so that a step of a given
        length moves the input by the same amount in every direction (after the conformal
        normalisation of Xu et al. 2024, here for this network's additive input)."""
        w = self.RNN.weight_ih_l0
        u = velocities @ w.t()
        speed = velocities.norm(dim=-1, keepdim=True)
        scale = w.norm() / 2 ** 0.5
        return u * (speed * scale / u.norm(dim=-1, keepdim=True).clamp_min(1e-12))

    def _conformal_hidden(self, velocities: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        """The vanilla RNN's recurrence g_t = f(W_hh g_{t-1} + u_t) with the conformal input
        u_t; [T, B, Ng]."""
        act = torch.relu if self.cfg.activation == "relu" else torch.tanh
        u = self.conformal_input(velocities)
        w_hh = self.RNN.weight_hh_l0
        out = []
        for t in range(len(u)):
            h = act(u[t] + h @ w_hh.t())
            out.append(h)
        return torch.stack(out)

    def forward(self, velocities: torch.Tensor, init_code: torch.Tensor) -> torch.Tensor:
        """Place-cell logits [T, B, Np]."""
        return self.decoder(self.hidden(velocities, init_code))

    def recurrent_penalty(self) -> torch.Tensor:
        """sum(W_hh^2), the regulariser of the original (recurrent weights only)."""
        return (self.RNN.weight_hh_l0 ** 2).sum()

    def loss(self, logits: torch.Tensor, target_code: torch.Tensor,
             weight_decay: float | None = None) -> torch.Tensor:
        """Cross-entropy with the place code (log-softmax, stable) + weight decay (default
        ``cfg.weight_decay``, 0 when the decay is decoupled from the loss); a scalar."""
        ce = -(target_code * torch.log_softmax(logits, -1)).sum(-1).mean()
        if weight_decay is None:
            weight_decay = self.cfg.weight_decay if self.cfg.weight_decay_mode == "loss" else 0
        return ce + weight_decay * self.recurrent_penalty() if weight_decay else ce

    def decoding_error_cm(self, logits: torch.Tensor, positions: torch.Tensor,
                          k: int = 3) -> torch.Tensor:
        """Mean distance (cm) between true positions [T, B, 2] (m) and the mean centre of the
        k most active predicted place cells."""
        decoded = decode_topk(logits, self.centers, k)
        return 100 * (decoded - positions).norm(dim=-1).mean()


def resolve_device(name: str) -> torch.device:
    """``auto`` -> CUDA when available, else CPU."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("device: cuda requested but torch sees no CUDA device")
    return torch.device(name)
