"""DeepLOB (Zhang, Zohren & Roberts 2019, "DeepLOB: Deep Convolutional Neural
Networks for Limit Order Books", IEEE Trans. Signal Processing 67(11)).

Kept as published: three convolution blocks over the 100 x 40 window (a (1,2)
stride-(1,2) conv that pairs price with size, then (1,2) stride-(1,2) that
pairs the ask side with the bid side of a level, then (1,10) over the levels),
each followed by two (4,1) convs over time, all with 32 channels and
LeakyReLU(0.01); the inception module with three 64-channel branches (1x1 ->
3x1, 1x1 -> 5x1, 3x1 max-pool -> 1x1); an LSTM with 64 units over the 100
time steps; a linear layer to 3 classes. BatchNorm after every conv follows
the authors' released code (zcakhaa/DeepLOB-Deep-Convolutional-Neural-Networks-
for-Limit-Order-Books, PyTorch notebook), which the paper's Keras code lacks
but which makes CPU training in a few epochs possible.

Input: [N, 1, 100, 40] float32, already transformed and z-scored; columns
(askPrice1, askSize1, bidPrice1, bidSize1, ..., level 10). Output of
`forward`: logits [N, 3] in labels order (up, stationary, down); the exported
graph (`WindowSoftmax`) returns probabilities.
"""
import torch
from torch import nn

WINDOW_EVENTS = 100
INPUT_COLUMNS = 40
LABELS = ["up", "stationary", "down"]


def _conv(in_ch: int, out_ch: int, kernel, stride=(1, 1), padding=(0, 0)) -> list:
    return [nn.Conv2d(in_ch, out_ch, kernel_size=kernel, stride=stride, padding=padding), nn.LeakyReLU(0.01), nn.BatchNorm2d(out_ch)]


def _time_pad_block(channels: int) -> list:
    # Two (4,1) convolutions over time. The paper's Keras code uses padding
    # "same" here so the sequence stays 100 events long; (4,1) "same" pads one
    # event before and two after, written as an explicit ZeroPad2d.
    layers = []
    for _ in range(2):
        layers += [nn.ZeroPad2d((0, 0, 1, 2))] + _conv(channels, channels, (4, 1))
    return layers


class DeepLOB(nn.Module):
    def __init__(self, num_classes: int = 3, lstm_units: int = 64):
        super().__init__()
        self.conv1 = nn.Sequential(*_conv(1, 32, (1, 2), stride=(1, 2)), *_time_pad_block(32))
        self.conv2 = nn.Sequential(*_conv(32, 32, (1, 2), stride=(1, 2)), *_time_pad_block(32))
        self.conv3 = nn.Sequential(*_conv(32, 32, (1, 10)), *_time_pad_block(32))
        self.inp1 = nn.Sequential(*_conv(32, 64, (1, 1)), *_conv(64, 64, (3, 1), padding=(1, 0)))
        self.inp2 = nn.Sequential(*_conv(32, 64, (1, 1)), *_conv(64, 64, (5, 1), padding=(2, 0)))
        self.inp3 = nn.Sequential(nn.MaxPool2d((3, 1), stride=(1, 1), padding=(1, 0)), *_conv(32, 64, (1, 1)))
        self.lstm = nn.LSTM(input_size=192, hidden_size=lstm_units, num_layers=1, batch_first=True)
        self.fc = nn.Linear(lstm_units, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv3(self.conv2(self.conv1(x)))  # [N, 32, 100, 1]
        x = torch.cat((self.inp1(x), self.inp2(x), self.inp3(x)), dim=1)  # [N, 192, 100, 1]
        x = x.squeeze(3).permute(0, 2, 1)  # [N, 100, 192]: one step per event
        # Explicit zero states sized from the input: without them the ONNX
        # exporter bakes the example's batch size into the LSTM's initial state.
        h0 = torch.zeros(1, x.size(0), self.lstm.hidden_size, dtype=x.dtype, device=x.device)
        out, _ = self.lstm(x, (h0, torch.zeros_like(h0)))
        return self.fc(out[:, -1, :])


class WindowSoftmax(nn.Module):
    """The exported graph: DeepLOB followed by the softmax over classes."""

    def __init__(self, model: DeepLOB):
        super().__init__()
        self.model = model

    def forward(self, window: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.model(window), dim=1)


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
