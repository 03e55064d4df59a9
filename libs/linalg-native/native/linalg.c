// Dense float64 kernels of @assay/distribution on the system's BLAS/LAPACK (OpenBLAS): what NumPy/SciPy call.
// Every function works in place on the caller's typed arrays (no copies) and is synchronous, like the
// JavaScript fallback it replaces; the distribution metrics run in a worker thread, never on an event loop.
#include <node_api.h>
#include <stdlib.h>
#include <cblas.h>

extern void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w, double *work,
                    const int *lwork, int *iwork, const int *liwork, int *info);

#define CHECK(call)                                                     \
  do {                                                                  \
    if ((call) != napi_ok) {                                            \
      napi_throw_error(env, NULL, "assay-linalg: bad arguments");       \
      return NULL;                                                      \
    }                                                                   \
  } while (0)

static int f64(napi_env env, napi_value v, double **data, size_t *length) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, length, (void **)data, &buffer, &offset) != napi_ok) return 0;
  return type == napi_float64_array;
}

static int i32(napi_env env, napi_value v, int *out) { return napi_get_value_int32(env, v, out) == napi_ok; }

// syrkUpper(m2, d, a, k, alpha): m2 (d x d, row-major, upper triangle) += alpha * A A^T for A (d x k, row-major)
static napi_value SyrkUpper(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  double *m2, *a, alpha;
  size_t m2n, an;
  int d, k;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 5 || !f64(env, argv[0], &m2, &m2n) || !i32(env, argv[1], &d) || !f64(env, argv[2], &a, &an) || !i32(env, argv[3], &k) ||
      napi_get_value_double(env, argv[4], &alpha) != napi_ok || m2n != (size_t)d * d || an != (size_t)d * k) {
    napi_throw_error(env, NULL, "syrkUpper(m2: Float64Array d*d, d, a: Float64Array d*k, k, alpha)");
    return NULL;
  }
  cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, d, k, alpha, a, k, 1.0, m2, d);
  return NULL;
}

// syrUpper(m2, d, x, alpha): m2 (upper) += alpha * x x^T
static napi_value SyrUpper(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  double *m2, *x, alpha;
  size_t m2n, xn;
  int d;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 4 || !f64(env, argv[0], &m2, &m2n) || !i32(env, argv[1], &d) || !f64(env, argv[2], &x, &xn) ||
      napi_get_value_double(env, argv[3], &alpha) != napi_ok || m2n != (size_t)d * d || xn != (size_t)d) {
    napi_throw_error(env, NULL, "syrUpper(m2: Float64Array d*d, d, x: Float64Array d, alpha)");
    return NULL;
  }
  cblas_dsyr(CblasRowMajor, CblasUpper, d, alpha, x, 1, m2, d);
  return NULL;
}

// gemm(out, a, b, m, n, k, transA, transB): out (m x n) = op(A) op(B), all row-major
static napi_value Gemm(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  double *out, *a, *b;
  size_t on, an, bn;
  int m, n, k;
  bool ta, tb;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 8 || !f64(env, argv[0], &out, &on) || !f64(env, argv[1], &a, &an) || !f64(env, argv[2], &b, &bn) || !i32(env, argv[3], &m) ||
      !i32(env, argv[4], &n) || !i32(env, argv[5], &k) || napi_get_value_bool(env, argv[6], &ta) != napi_ok ||
      napi_get_value_bool(env, argv[7], &tb) != napi_ok || on != (size_t)m * n || an != (size_t)m * k || bn != (size_t)k * n) {
    napi_throw_error(env, NULL, "gemm(out: m*n, a: m*k, b: k*n, m, n, k, transA, transB)");
    return NULL;
  }
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, 1.0, a, ta ? m : k, b,
              tb ? k : n, 0.0, out, n);
  return NULL;
}

// eigvalsh(a, n, w): eigenvalues of the symmetric a (n x n; overwritten) into w, ascending (LAPACK dsyevd)
static napi_value Eigvalsh(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  double *a, *w;
  size_t an, wn;
  int n;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 3 || !f64(env, argv[0], &a, &an) || !i32(env, argv[1], &n) || !f64(env, argv[2], &w, &wn) || an != (size_t)n * n ||
      wn != (size_t)n) {
    napi_throw_error(env, NULL, "eigvalsh(a: Float64Array n*n, n, w: Float64Array n)");
    return NULL;
  }
  int lwork = -1, liwork = -1, info_ = 0, iwq = 0;
  double wq = 0;
  dsyevd_("N", "U", &n, a, &n, w, &wq, &lwork, &iwq, &liwork, &info_);
  lwork = (int)wq;
  liwork = iwq;
  double *work = malloc(sizeof(double) * (lwork > 1 ? lwork : 1));
  int *iwork = malloc(sizeof(int) * (liwork > 1 ? liwork : 1));
  if (!work || !iwork) {
    free(work);
    free(iwork);
    napi_throw_error(env, NULL, "eigvalsh: out of memory");
    return NULL;
  }
  dsyevd_("N", "U", &n, a, &n, w, work, &lwork, iwork, &liwork, &info_);
  free(work);
  free(iwork);
  if (info_ != 0) {
    napi_throw_error(env, NULL, "eigvalsh: LAPACK dsyevd did not converge");
    return NULL;
  }
  return NULL;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"syrkUpper", NULL, SyrkUpper, NULL, NULL, NULL, napi_default, NULL},
      {"syrUpper", NULL, SyrUpper, NULL, NULL, NULL, napi_default, NULL},
      {"gemm", NULL, Gemm, NULL, NULL, NULL, napi_default, NULL},
      {"eigvalsh", NULL, Eigvalsh, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
