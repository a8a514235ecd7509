// SPDX-License-Identifier: GPL-3.0-or-later
// Multiplies every row of a batch of half-spectra (VkFFT in-place R2C layout: bins complex values
// per row) by its channel's kernel spectrum, in place. Row r belongs to channel r % channels.
// Dispatched by convolution::VulkanBackend (src/convolution/vulkan_backend.cpp).
#version 450
layout(local_size_x = 256) in;

layout(std430, binding = 0) buffer Work { vec2 work[]; };
layout(std430, binding = 1) readonly buffer Kernel { vec2 kernelSpectrum[]; };

layout(push_constant) uniform Push {
    uint totalBins;     // rows * binsPerRow
    uint binsPerRow;    // fftFrames / 2 + 1
    uint channels;      // kernel rows
} pc;

void main() {
    // Grid-stride loop: the dispatch size stays under maxComputeWorkGroupCount[0] for any batch.
    uint stride = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    for (uint i = gl_GlobalInvocationID.x; i < pc.totalBins; i += stride) {
        uint row = i / pc.binsPerRow;
        uint bin = i - row * pc.binsPerRow;
        vec2 a = work[i];
        vec2 b = kernelSpectrum[(row % pc.channels) * pc.binsPerRow + bin];
        work[i] = vec2(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
    }
}
