// Clang thread-safety annotations (-Wthread-safety), and a mutex the analysis understands.
//
// Under clang the macros expand to the capability attributes, so the compiler checks that a
// GUARDED_BY member is only touched with its mutex held and that a REQUIRES function is only
// called with it held; elsewhere they expand to nothing. std::mutex carries no annotations in
// libstdc++, so annotated code uses storage::Mutex and storage::MutexLock below.
//
// Thread-safety: Mutex is a mutex; MutexLock is used by one thread.
#pragma once

#include <mutex>

#if defined(__clang__)
#define FRESHET_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define FRESHET_THREAD_ANNOTATION(x)
#endif

#define CAPABILITY(x) FRESHET_THREAD_ANNOTATION(capability(x))
#define SCOPED_CAPABILITY FRESHET_THREAD_ANNOTATION(scoped_lockable)
#define GUARDED_BY(x) FRESHET_THREAD_ANNOTATION(guarded_by(x))
#define PT_GUARDED_BY(x) FRESHET_THREAD_ANNOTATION(pt_guarded_by(x))
#define REQUIRES(...) FRESHET_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define EXCLUDES(...) FRESHET_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define ACQUIRE(...) FRESHET_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) FRESHET_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define ASSERT_CAPABILITY(x) FRESHET_THREAD_ANNOTATION(assert_capability(x))
#define NO_THREAD_SAFETY_ANALYSIS FRESHET_THREAD_ANNOTATION(no_thread_safety_analysis)

namespace freshet::storage {

// A std::mutex the analysis can see. lock()/unlock() also make it a BasicLockable, so a
// std::condition_variable_any can wait on it.
class CAPABILITY("mutex") Mutex {
 public:
  void lock() ACQUIRE() { mu_.lock(); }
  void unlock() RELEASE() { mu_.unlock(); }

 private:
  std::mutex mu_;
};

// Holds `mu` for its scope; Unlock()/Lock() let a holder drop it for a while (e.g. around I/O).
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ACQUIRE(mu) : mu_(mu) { mu_->lock(); }
  ~MutexLock() RELEASE() {
    if (held_) mu_->unlock();
  }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  void Unlock() RELEASE() {
    mu_->unlock();
    held_ = false;
  }
  void Lock() ACQUIRE() {
    mu_->lock();
    held_ = true;
  }

 private:
  Mutex* const mu_;
  bool held_ = true;
};

}  // namespace freshet::storage
