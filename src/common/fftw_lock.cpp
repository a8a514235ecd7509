// SPDX-License-Identifier: GPL-3.0-or-later
#include "lacquer/common/fftw_lock.hpp"

namespace lacquer {

std::mutex& fftwPlannerMutex() {
    static std::mutex mutex;
    return mutex;
}

}  // namespace lacquer
