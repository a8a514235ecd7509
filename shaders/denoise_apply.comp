// SPDX-License-Identifier: GPL-3.0-or-later
// Noise reducer, step 2 of 2: per (row, bin), the median of the gains of bins k−1, k, k+1 (an
// edge bin repeats itself), floored, multiplied into the half-spectrum in place.
#version 450
layout(local_size_x = 256) in;

layout(std430, binding = 0) buffer Work { vec2 work[]; };
layout(std430, binding = 1) readonly buffer Gains { float gains[]; };

layout(push_constant) uniform Push {
    uint bins;
    uint rows;        // frames * channels in this batch
    uint rowComplex;
    float floorGain;
} pc;

void main() {
    uint stride = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    for (uint i = gl_GlobalInvocationID.x; i < pc.rows * pc.bins; i += stride) {
        uint row = i / pc.bins;
        uint k = i - row * pc.bins;
        uint base = row * pc.bins;
        float a = gains[base + (k > 0u ? k - 1u : k)];
        float b = gains[base + k];
        float c = gains[base + (k + 1u < pc.bins ? k + 1u : k)];
        float median = max(min(a, b), min(max(a, b), c));
        float g = max(median, pc.floorGain);
        work[row * pc.rowComplex + k] *= g;
    }
}
