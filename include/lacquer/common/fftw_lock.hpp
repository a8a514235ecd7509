// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// FFTW's planner (fftw_plan_*, fftw_destroy_plan and the float versions) is not thread-safe;
// every lacquer call into it holds this lock. Executing a plan (fftw_execute_*) needs no lock.
#include <mutex>

namespace lacquer {

std::mutex& fftwPlannerMutex();

}  // namespace lacquer
