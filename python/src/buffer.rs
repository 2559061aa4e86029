//! Borrowing the bytes of any object that supports the buffer protocol (bytes,
//! bytearray, memoryview, array.array, numpy arrays, mmap), without copying,
//! as python-lz4's `y*` argument format does.
//!
//! The limited API (abi3) gained `PyObject_GetBuffer` only in CPython 3.11,
//! but the function and the `Py_buffer` layout have been the same in every
//! CPython since 3.3. So that one abi3 wheel serves 3.9 and later on every
//! platform (Windows' `python3.dll` did not export it before 3.11), the two
//! functions are looked up at run time through `ctypes.pythonapi`, which
//! resolves them in the running interpreter itself.
//!
//! Releasing the GIL: a Rust slice must not change while it is alive, but
//! while the GIL is released any Python thread may write into a bytearray, a
//! numpy array or a writable memoryview. So only immutable bytes (`bytes`,
//! and memoryviews whose underlying object is `bytes`) are read in place by
//! work that runs without the GIL; for any other exporter the work either
//! reads a copy ([`Bytes::for_detached_work`]) or keeps the GIL (see
//! `gil.rs` for which), and writable targets (`readinto`) are written only
//! while the GIL is held. The remaining assumption is the
//! buffer protocol's own: an exporter does not change or free its memory
//! while an export is held and the GIL is, except through code that
//! releases the GIL itself.

use std::borrow::Cow;
use std::ffi::{c_char, c_int, c_void};
use std::ops::Range;
use std::ptr;

use pyo3::exceptions::{PyBufferError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyMemoryView};

/// CPython's `Py_buffer` (Include/pybuffer.h), unchanged since 3.3.
#[repr(C)]
struct RawBuffer {
    buf: *mut c_void,
    obj: *mut ffi::PyObject,
    len: ffi::Py_ssize_t,
    itemsize: ffi::Py_ssize_t,
    readonly: c_int,
    ndim: c_int,
    format: *mut c_char,
    shape: *mut ffi::Py_ssize_t,
    strides: *mut ffi::Py_ssize_t,
    suboffsets: *mut ffi::Py_ssize_t,
    internal: *mut c_void,
}

/// `PyBUF_SIMPLE`: a contiguous run of bytes, as `y*` asks for.
const PYBUF_SIMPLE: c_int = 0;
/// `PyBUF_WRITABLE`: the same, and writable (for `readinto`).
const PYBUF_WRITABLE: c_int = 1;

type GetBufferFn = unsafe extern "C" fn(*mut ffi::PyObject, *mut RawBuffer, c_int) -> c_int;
type ReleaseBufferFn = unsafe extern "C" fn(*mut RawBuffer);

struct BufferApi {
    get: GetBufferFn,
    release: ReleaseBufferFn,
}

static BUFFER_API: PyOnceLock<BufferApi> = PyOnceLock::new();

fn buffer_api(py: Python<'_>) -> PyResult<&'static BufferApi> {
    BUFFER_API.get_or_try_init(py, || {
        let ctypes = py.import("ctypes")?;
        let pythonapi = ctypes.getattr("pythonapi")?;
        let c_void_p = ctypes.getattr("c_void_p")?;
        let cast = ctypes.getattr("cast")?;
        let address = |name: &str| -> PyResult<usize> {
            cast.call1((pythonapi.getattr(name)?, &c_void_p))?
                .getattr("value")?
                .extract()
        };
        let (get, release) = (address("PyObject_GetBuffer")?, address("PyBuffer_Release")?);
        // SAFETY: `ctypes.pythonapi` is a CDLL over the running interpreter
        // (`PyDLL(None)` on POSIX, the loaded pythonXY.dll on Windows), so
        // each attribute is that interpreter's exported function of that
        // name; `cast(.., c_void_p).value` is its address, and `extract`
        // refused None, so it is not null. Their C signatures are
        // `int (PyObject *, Py_buffer *, int)` and `void (Py_buffer *)`,
        // unchanged since CPython 3.0, which the two function types above
        // declare with `RawBuffer` laid out as `Py_buffer` (3.3 and later).
        unsafe {
            Ok(BufferApi {
                get: std::mem::transmute::<usize, GetBufferFn>(get),
                release: std::mem::transmute::<usize, ReleaseBufferFn>(release),
            })
        }
    })
}

/// The bytes of a Python object, borrowed for as long as this value lives.
///
/// A buffer export keeps the exporter from resizing (a bytearray cannot
/// shrink under us), so the memory stays allocated; whether its contents may
/// change without the GIL is [`Bytes::is_immutable`].
pub(crate) struct Bytes<'py> {
    source: Source<'py>,
    /// No Python code can change these bytes: `bytes`, or a memoryview of it.
    immutable: bool,
}

enum Source<'py> {
    /// bytes: immutable, read directly.
    Bytes(Bound<'py, PyBytes>),
    /// Any other exporter, through the buffer protocol.
    Exported {
        raw: Box<RawBuffer>,
        api: &'static BufferApi,
        _py: Python<'py>,
    },
}

impl<'py> Bytes<'py> {
    /// Borrows `obj`'s bytes. `str` and other non-buffers raise TypeError, with
    /// CPython's own message ("a bytes-like object is required, not 'str'").
    pub(crate) fn borrow(obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        if let Ok(bytes) = obj.cast::<PyBytes>() {
            return Ok(Bytes {
                source: Source::Bytes(bytes.clone()),
                immutable: true,
            });
        }
        let mut borrowed = Self::export(obj, PYBUF_SIMPLE)?;
        borrowed.immutable = views_bytes(obj)?;
        Ok(borrowed)
    }

    /// Borrows `obj`'s bytes for writing (`readinto`'s target). A read-only
    /// object is a TypeError, as io's `readinto` has it.
    pub(crate) fn borrow_mut(obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        Self::export(obj, PYBUF_WRITABLE).map_err(|err| {
            if err.is_instance_of::<PyBufferError>(obj.py()) {
                PyTypeError::new_err(format!(
                    "readinto() argument must be read-write bytes-like object, not {}",
                    obj.get_type()
                        .name()
                        .map_or_else(|_| "unknown".to_string(), |name| name.to_string())
                ))
            } else {
                err
            }
        })
    }

    fn export(obj: &Bound<'py, PyAny>, flags: c_int) -> PyResult<Self> {
        let py = obj.py();
        let api = buffer_api(py)?;
        // Boxed: CPython may keep pointers into the Py_buffer (its `shape`
        // points at `len` for simple requests), so it must not move.
        let mut raw = Box::new(RawBuffer {
            buf: ptr::null_mut(),
            obj: ptr::null_mut(),
            len: 0,
            itemsize: 0,
            readonly: 0,
            ndim: 0,
            format: ptr::null_mut(),
            shape: ptr::null_mut(),
            strides: ptr::null_mut(),
            suboffsets: ptr::null_mut(),
            internal: ptr::null_mut(),
        });
        // SAFETY: `obj` is a live object, `raw` a properly laid out Py_buffer
        // and the GIL is held (`py`).
        let status = unsafe { (api.get)(obj.as_ptr(), &mut *raw, flags) };
        if status != 0 {
            return Err(PyErr::take(py)
                .unwrap_or_else(|| PyBufferError::new_err("could not export the buffer")));
        }
        Ok(Bytes {
            source: Source::Exported { raw, api, _py: py },
            immutable: false,
        })
    }

    /// True when no Python code can change these bytes (`bytes`, or a
    /// memoryview whose underlying object is `bytes`): only then may they be
    /// read in place while the GIL is released.
    pub(crate) fn is_immutable(&self) -> bool {
        self.immutable
    }

    /// The bytes in `range` for work that runs without the GIL: borrowed
    /// when immutable, otherwise a copy taken now, under the GIL, so that
    /// another thread writing into a bytearray or numpy array meanwhile
    /// cannot change them under a Rust slice.
    pub(crate) fn for_detached_work(&self, range: Range<usize>) -> Cow<'_, [u8]> {
        let bytes = &self.as_slice()[range];
        if self.immutable {
            Cow::Borrowed(bytes)
        } else {
            Cow::Owned(bytes.to_vec())
        }
    }

    /// The borrowed bytes.
    pub(crate) fn as_slice(&self) -> &[u8] {
        match &self.source {
            Source::Bytes(bytes) => bytes.as_bytes(),
            Source::Exported { raw, .. } => {
                if raw.buf.is_null() || raw.len <= 0 {
                    return &[];
                }
                // SAFETY: a successful PyBUF_SIMPLE export is `len` contiguous,
                // initialised bytes at `buf`, valid until released (in drop).
                unsafe { std::slice::from_raw_parts(raw.buf as *const u8, raw.len as usize) }
            }
        }
    }

    /// The borrowed bytes, writable (only for `borrow_mut`). Callers keep the
    /// slice only while they hold the GIL: other threads may write into the
    /// same memory once it is released.
    pub(crate) fn as_mut_slice(&mut self) -> &mut [u8] {
        match &mut self.source {
            Source::Bytes(_) => &mut [],
            Source::Exported { raw, .. } => {
                if raw.buf.is_null() || raw.len <= 0 {
                    return &mut [];
                }
                // SAFETY: as in `as_slice`; PYBUF_WRITABLE made the exporter
                // promise the memory may be written, and `&mut self` makes
                // this the only slice over it on our side.
                unsafe { std::slice::from_raw_parts_mut(raw.buf as *mut u8, raw.len as usize) }
            }
        }
    }

    /// Length in bytes.
    pub(crate) fn len(&self) -> usize {
        self.as_slice().len()
    }
}

/// Whether `obj` is a memoryview over `bytes` (its bytes cannot change).
fn views_bytes(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    if !obj.is_instance_of::<PyMemoryView>() {
        return Ok(false);
    }
    // A memoryview's `obj` is the object that exported the memory, also for
    // slices and views of views.
    Ok(obj.getattr("obj")?.is_exact_instance_of::<PyBytes>())
}

impl Drop for Bytes<'_> {
    fn drop(&mut self) {
        if let Source::Exported { raw, api, .. } = &mut self.source {
            // SAFETY: the export succeeded and is released exactly once; the
            // GIL is held, since `Bytes` carries a `Python<'py>` token and so
            // cannot leave the thread that holds it.
            unsafe { (api.release)(&mut **raw) };
        }
    }
}
