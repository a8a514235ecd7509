// SPDX-License-Identifier: GPL-3.0-or-later
// Noise reducer, step 1 of 2: the decision-directed Wiener gain per (channel, bin), recursing
// over the batch's frames in order (src/denoise/fftw_engine.cpp does the same in float/double).
// Rows of `work` hold half-spectra (VkFFT in-place R2C layout); row = frame * channels + channel.
// state[channel * bins + bin] = G²γ of the previous frame (−1 before the first), kept across batches.
#version 450
layout(local_size_x = 64) in;

layout(std430, binding = 0) readonly buffer Work { vec2 work[]; };
layout(std430, binding = 1) readonly buffer Noise { float noise[]; };
layout(std430, binding = 2) buffer State { float state[]; };
layout(std430, binding = 3) writeonly buffer Gains { float gains[]; };

layout(push_constant) uniform Push {
    uint bins;        // fftFrames / 2 + 1
    uint frames;      // frames in this batch
    uint channels;
    uint rowComplex;  // complex values per row of `work` ((fftFrames + 2) / 2)
    float alpha;      // decision-directed smoothing
} pc;

void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i >= pc.channels * pc.bins) return;
    uint c = i / pc.bins;
    uint k = i - c * pc.bins;
    float p = state[i];
    float n = noise[k];
    for (uint t = 0; t < pc.frames; ++t) {
        uint row = t * pc.channels + c;
        float g = 1.0;
        if (n > 0.0) {
            vec2 x = work[row * pc.rowComplex + k];
            float gamma = (x.x * x.x + x.y * x.y) / n;
            float ml = max(gamma - 1.0, 0.0);
            float xi = p < 0.0 ? ml : pc.alpha * p + (1.0 - pc.alpha) * ml;
            g = 1.0 - 1.0 / (1.0 + xi);
            p = g * g * gamma;
        }
        gains[row * pc.bins + k] = g;
    }
    state[i] = p;
}
