"""The bundled networks built in plain torch.nn, module for module, with torchvision's names.

The builders follow torchvision's model code (resnet.py, densenet.py, googlenet.py,
vgg.py) and, for the chains, the papers (LeCun et al. 1998 §II-B; Krizhevsky et al.
2012 §3). Their state_dict keys equal the layer names of the bundled specs, so the
oracle tests load cnncalc's weights into them by name. Imported only with torch present.
"""

from __future__ import annotations

from collections import OrderedDict

import torch

from ..ops import torch_refs as R

nn = torch.nn
F = torch.nn.functional


# -- ResNet (torchvision resnet.py, v1.5) ---------------------------------------------------------
class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        return self.relu(out + (x if self.downsample is None else self.downsample(x)))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)  # v1.5: stride on the 3×3
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + (x if self.downsample is None else self.downsample(x)))


class ResNet(nn.Module):
    def __init__(self, block, layers, num_classes=1000):
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], 2)
        self.layer3 = self._make_layer(block, 256, layers[2], 2)
        self.layer4 = self._make_layer(block, 512, layers[3], 2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)

    def _make_layer(self, block, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(nn.Conv2d(self.inplanes, planes * block.expansion, 1, stride, bias=False),
                                       nn.BatchNorm2d(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


# -- DenseNet (torchvision densenet.py) -----------------------------------------------------------
class _DenseLayer(nn.Module):
    def __init__(self, num_input_features, growth_rate, bn_size):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(num_input_features)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(num_input_features, bn_size * growth_rate, 1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, 3, 1, 1, bias=False)

    def forward(self, x):
        new = self.conv2(self.relu2(self.norm2(self.conv1(self.relu1(self.norm1(x))))))
        return torch.cat([x, new], 1)


class _Transition(nn.Sequential):
    def __init__(self, num_input_features, num_output_features):
        super().__init__()
        self.norm = nn.BatchNorm2d(num_input_features)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(num_input_features, num_output_features, 1, bias=False)
        self.pool = nn.AvgPool2d(2, 2)


class DenseNet(nn.Module):
    def __init__(self, growth_rate=32, block_config=(6, 12, 24, 16), num_init_features=64, bn_size=4):
        super().__init__()
        self.features = nn.Sequential(OrderedDict([
            ("conv0", nn.Conv2d(3, num_init_features, 7, 2, 3, bias=False)),
            ("norm0", nn.BatchNorm2d(num_init_features)),
            ("relu0", nn.ReLU(inplace=True)),
            ("pool0", nn.MaxPool2d(3, 2, 1))]))
        c = num_init_features
        for i, n in enumerate(block_config):
            block = nn.Sequential(OrderedDict(
                (f"denselayer{j + 1}", _DenseLayer(c + j * growth_rate, growth_rate, bn_size)) for j in range(n)))
            self.features.add_module(f"denseblock{i + 1}", block)
            c += n * growth_rate
            if i != len(block_config) - 1:
                self.features.add_module(f"transition{i + 1}", _Transition(c, c // 2))
                c //= 2
        self.features.add_module("norm5", nn.BatchNorm2d(c))
        self.classifier = nn.Linear(c, 1000)

    def forward(self, x):
        out = F.adaptive_avg_pool2d(F.relu(self.features(x)), (1, 1))
        return self.classifier(torch.flatten(out, 1))


# -- GoogLeNet (torchvision googlenet.py, aux_logits=False) --------------------------------------
class BasicConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, **kwargs):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, bias=False, **kwargs)
        self.bn = nn.BatchNorm2d(out_channels, eps=0.001)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)), inplace=True)


class Inception(nn.Module):
    def __init__(self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
        super().__init__()
        self.branch1 = BasicConv2d(in_channels, ch1x1, kernel_size=1)
        self.branch2 = nn.Sequential(BasicConv2d(in_channels, ch3x3red, kernel_size=1),
                                     BasicConv2d(ch3x3red, ch3x3, kernel_size=3, padding=1))
        self.branch3 = nn.Sequential(BasicConv2d(in_channels, ch5x5red, kernel_size=1),
                                     BasicConv2d(ch5x5red, ch5x5, kernel_size=3, padding=1))
        self.branch4 = nn.Sequential(nn.MaxPool2d(3, stride=1, padding=1, ceil_mode=True),
                                     BasicConv2d(in_channels, pool_proj, kernel_size=1))

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class GoogLeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = BasicConv2d(3, 64, kernel_size=7, stride=2, padding=3)
        self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.conv2 = BasicConv2d(64, 64, kernel_size=1)
        self.conv3 = BasicConv2d(64, 192, kernel_size=3, padding=1)
        self.maxpool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception3a = Inception(192, 64, 96, 128, 16, 32, 32)
        self.inception3b = Inception(256, 128, 128, 192, 32, 96, 64)
        self.maxpool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception4a = Inception(480, 192, 96, 208, 16, 48, 64)
        self.inception4b = Inception(512, 160, 112, 224, 24, 64, 64)
        self.inception4c = Inception(512, 128, 128, 256, 24, 64, 64)
        self.inception4d = Inception(512, 112, 144, 288, 32, 64, 64)
        self.inception4e = Inception(528, 256, 160, 320, 32, 128, 128)
        self.maxpool4 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
        self.inception5a = Inception(832, 256, 160, 320, 32, 128, 128)
        self.inception5b = Inception(832, 384, 192, 384, 48, 128, 128)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(0.2)
        self.fc = nn.Linear(1024, 1000)

    def forward(self, x):
        x = self.maxpool1(self.conv1(x))
        x = self.maxpool2(self.conv3(self.conv2(x)))
        x = self.maxpool3(self.inception3b(self.inception3a(x)))
        for m in (self.inception4a, self.inception4b, self.inception4c, self.inception4d, self.inception4e):
            x = m(x)
        x = self.inception5b(self.inception5a(self.maxpool4(x)))
        return self.fc(self.dropout(torch.flatten(self.avgpool(x), 1)))


# -- VGG (torchvision vgg.py, batch_norm=True) ----------------------------------------------------
class VGG(nn.Module):
    def __init__(self, cfg, batch_norm: bool = True):
        super().__init__()
        layers, c = [], 3
        for v in cfg:
            if v == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += [nn.Conv2d(c, v, 3, padding=1), *([nn.BatchNorm2d(v)] if batch_norm else []),
                           nn.ReLU(inplace=True)]
                c = v
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(),
                                        nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(), nn.Linear(4096, 1000))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


# -- chains, named as the bundled specs name them --------------------------------------------
def lenet5():
    return nn.Sequential(OrderedDict([
        ("c1", nn.Conv2d(1, 6, 5)), ("c1_tanh", nn.Tanh()), ("s2", nn.AvgPool2d(2)),
        ("c3", nn.Conv2d(6, 16, 5)), ("c3_tanh", nn.Tanh()), ("s4", nn.AvgPool2d(2)), ("flatten", nn.Flatten()),
        ("c5", nn.Linear(400, 120)), ("c5_tanh", nn.Tanh()), ("f6", nn.Linear(120, 84)), ("f6_tanh", nn.Tanh()),
        ("output", nn.Linear(84, 10))]))


C3_TABLE = [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [0, 4, 5], [0, 1, 5], [0, 1, 2, 3], [1, 2, 3, 4],
            [2, 3, 4, 5], [0, 3, 4, 5], [0, 1, 4, 5], [0, 1, 2, 5], [0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5],
            [0, 1, 2, 3, 4, 5]]  # LeCun et al. 1998, Table I


def lenet5_1998():
    return nn.Sequential(OrderedDict([
        ("c1", nn.Conv2d(1, 6, 5)), ("c1_tanh", nn.Tanh()), ("s2", R.subsample2d(torch, 6)), ("s2_tanh", nn.Tanh()),
        ("c3", R.partial_conv2d(torch, C3_TABLE, 5)), ("c3_tanh", nn.Tanh()), ("s4", R.subsample2d(torch, 16)),
        ("s4_tanh", nn.Tanh()), ("c5", nn.Conv2d(16, 120, 5)), ("c5_tanh", nn.Tanh()), ("flatten", nn.Flatten()),
        ("f6", nn.Linear(120, 84)), ("f6_tanh", nn.Tanh()), ("output", R.rbf(torch, 10, 84))]))


def alexnet():
    """The two-GPU network of the paper: grouped conv2/4/5, LRN after conv1 and conv2, 227×227 input."""
    lrn = dict(size=5, alpha=1e-4, beta=0.75, k=2.0)
    return nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(3, 96, 11, 4)), ("relu1", nn.ReLU()), ("norm1", nn.LocalResponseNorm(**lrn)),
        ("pool1", nn.MaxPool2d(3, 2)), ("conv2", nn.Conv2d(96, 256, 5, padding=2, groups=2)), ("relu2", nn.ReLU()),
        ("norm2", nn.LocalResponseNorm(**lrn)), ("pool2", nn.MaxPool2d(3, 2)),
        ("conv3", nn.Conv2d(256, 384, 3, padding=1)), ("relu3", nn.ReLU()),
        ("conv4", nn.Conv2d(384, 384, 3, padding=1, groups=2)), ("relu4", nn.ReLU()),
        ("conv5", nn.Conv2d(384, 256, 3, padding=1, groups=2)), ("relu5", nn.ReLU()), ("pool5", nn.MaxPool2d(3, 2)),
        ("flatten", nn.Flatten()), ("fc6", nn.Linear(9216, 4096)), ("relu6", nn.ReLU()), ("drop6", nn.Dropout()),
        ("fc7", nn.Linear(4096, 4096)), ("relu7", nn.ReLU()), ("drop7", nn.Dropout()),
        ("fc8", nn.Linear(4096, 1000)), ("prob", nn.Softmax(dim=1))]))


def audio_m5():
    """Dai et al. 2017, Table 1 (M5); TensorFlow 'same' padding written out (conv1: total 76, 38 a side)."""
    layers, c = [], 1
    for i, (width, k, s, p) in enumerate([(128, 80, 4, 38), (128, 3, 1, 1), (256, 3, 1, 1), (512, 3, 1, 1)], 1):
        layers += [(f"conv{i}", nn.Conv1d(c, width, k, s, p)), (f"bn{i}", nn.BatchNorm1d(width)),
                   (f"relu{i}", nn.ReLU()), (f"pool{i}", nn.MaxPool1d(4))]
        c = width
    layers += [("gap", nn.Sequential(nn.AdaptiveAvgPool1d(1), nn.Flatten())), ("fc", nn.Linear(512, 10))]
    return nn.Sequential(OrderedDict(layers))


def video_c3d(classes: int = 487, features: int = 8192):
    """Tran et al. 2015, §3.3: eight 3×3×3 convs, pool1 1×2×2, pool5 rounding up (Caffe), fc6–fc8."""
    def conv(c_in, c_out):
        return nn.Sequential(OrderedDict([("conv", nn.Conv3d(c_in, c_out, 3, padding=1)), ("relu", nn.ReLU())]))

    return nn.Sequential(OrderedDict([
        ("conv1a", conv(3, 64)), ("pool1", nn.MaxPool3d((1, 2, 2))), ("conv2a", conv(64, 128)),
        ("pool2", nn.MaxPool3d(2)), ("conv3a", conv(128, 256)), ("conv3b", conv(256, 256)), ("pool3", nn.MaxPool3d(2)),
        ("conv4a", conv(256, 512)), ("conv4b", conv(512, 512)), ("pool4", nn.MaxPool3d(2)),
        ("conv5a", conv(512, 512)), ("conv5b", conv(512, 512)), ("pool5", nn.MaxPool3d(2, ceil_mode=True)),
        ("flatten", nn.Flatten()), ("fc6", nn.Linear(features, 4096)), ("relu6", nn.ReLU()), ("drop6", nn.Dropout()),
        ("fc7", nn.Linear(4096, 4096)), ("relu7", nn.ReLU()), ("drop7", nn.Dropout()),
        ("fc8", nn.Linear(4096, classes))]))
