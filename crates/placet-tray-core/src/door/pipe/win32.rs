//! The Win32 calls behind the door's named pipe, the only unsafe code of the core:
//! a security descriptor that lets only this user's SID open the pipe, and who runs
//! the process at the other end of a pipe (its pid, its user's SID, its image).
//!
//! Windows API: `OpenProcessToken` + `GetTokenInformation(TokenUser)` +
//! `ConvertSidToStringSidW` for a process's user SID;
//! `ConvertStringSecurityDescriptorToSecurityDescriptorW` for the pipe's descriptor
//! (`D:P(A;;GA;;;<SID>)`: a protected DACL with one entry, full access for this user);
//! `GetNamedPipeServerProcessId` / `GetNamedPipeClientProcessId` for the pid at the
//! other end; `OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION)` +
//! `QueryFullProcessImageNameW` for its executable.
#![allow(unsafe_code)]

use std::ffi::c_void;
use std::io;
use std::os::windows::io::RawHandle;
use std::path::PathBuf;
use std::ptr;

use tokio::net::windows::named_pipe::{NamedPipeServer, ServerOptions};
use windows_sys::Win32::Foundation::{CloseHandle, LocalFree, HANDLE};
use windows_sys::Win32::Security::Authorization::{
    ConvertSidToStringSidW, ConvertStringSecurityDescriptorToSecurityDescriptorW, SDDL_REVISION_1,
};
use windows_sys::Win32::Security::{
    GetTokenInformation, TokenUser, PSECURITY_DESCRIPTOR, SECURITY_ATTRIBUTES, TOKEN_QUERY,
    TOKEN_USER,
};
use windows_sys::Win32::System::Pipes::{GetNamedPipeClientProcessId, GetNamedPipeServerProcessId};
use windows_sys::Win32::System::Threading::{
    GetCurrentProcess, OpenProcess, OpenProcessToken, QueryFullProcessImageNameW,
    PROCESS_NAME_WIN32, PROCESS_QUERY_LIMITED_INFORMATION,
};

/// A handle this module opened, closed when dropped.
struct Owned(HANDLE);

impl Drop for Owned {
    fn drop(&mut self) {
        // SAFETY: the handle was returned open by OpenProcess or OpenProcessToken and is
        // closed once, here.
        unsafe { CloseHandle(self.0) };
    }
}

/// Memory the system allocated with `LocalAlloc`, freed when dropped.
struct Local(*mut c_void);

impl Drop for Local {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: the pointer came from a Convert* function that documents freeing
            // it with LocalFree, and is freed once, here.
            unsafe { LocalFree(self.0) };
        }
    }
}

/// The user SID (`S-1-5-21-…`) of the process behind `process`.
fn process_user(process: HANDLE) -> io::Result<String> {
    let mut token: HANDLE = ptr::null_mut();
    // SAFETY: `process` is a valid process handle with query access (ours, or one
    // OpenProcess returned); `token` is a valid out pointer.
    if unsafe { OpenProcessToken(process, TOKEN_QUERY, &mut token) } == 0 {
        return Err(io::Error::last_os_error());
    }
    let token = Owned(token);
    let mut len = 0u32;
    // SAFETY: a size query: no buffer, `len` is a valid out pointer. It fails with
    // ERROR_INSUFFICIENT_BUFFER and sets `len`.
    unsafe { GetTokenInformation(token.0, TokenUser, ptr::null_mut(), 0, &mut len) };
    if len == 0 {
        return Err(io::Error::last_os_error());
    }
    // u64s keep the buffer aligned for TOKEN_USER.
    let mut buf = vec![0u64; (len as usize).div_ceil(8)];
    // SAFETY: `buf` holds at least `len` bytes, aligned for TOKEN_USER.
    if unsafe { GetTokenInformation(token.0, TokenUser, buf.as_mut_ptr().cast(), len, &mut len) }
        == 0
    {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: GetTokenInformation(TokenUser) filled `buf` with a TOKEN_USER whose SID
    // points into `buf`, which outlives this use.
    let sid = unsafe { (*buf.as_ptr().cast::<TOKEN_USER>()).User.Sid };
    let mut text: *mut u16 = ptr::null_mut();
    // SAFETY: `sid` is a valid SID (above); `text` is a valid out pointer.
    if unsafe { ConvertSidToStringSidW(sid, &mut text) } == 0 {
        return Err(io::Error::last_os_error());
    }
    let text = Local(text.cast());
    // SAFETY: ConvertSidToStringSidW returned a NUL-terminated UTF-16 string.
    Ok(unsafe { wide_to_string(text.0.cast()) })
}

/// Reads a NUL-terminated UTF-16 string.
///
/// # Safety
/// `p` points at a NUL-terminated UTF-16 string.
unsafe fn wide_to_string(p: *const u16) -> String {
    let mut n = 0;
    // SAFETY: the caller promises a terminating NUL.
    while unsafe { *p.add(n) } != 0 {
        n += 1;
    }
    // SAFETY: `n` units were just read.
    String::from_utf16_lossy(unsafe { std::slice::from_raw_parts(p, n) })
}

/// This process's user SID.
pub fn current_user() -> io::Result<String> {
    // SAFETY: GetCurrentProcess returns a pseudo handle that needs no closing.
    process_user(unsafe { GetCurrentProcess() })
}

/// The user SID and the executable of process `pid`.
pub fn process_owner_and_image(pid: u32) -> io::Result<(String, PathBuf)> {
    // SAFETY: plain call; a null handle is an error.
    let process = unsafe { OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid) };
    if process.is_null() {
        return Err(io::Error::last_os_error());
    }
    let process = Owned(process);
    let user = process_user(process.0)?;
    let mut buf = vec![0u16; 32 * 1024];
    let mut len = buf.len() as u32;
    // SAFETY: `buf` holds `len` UTF-16 units; `len` is a valid in/out pointer.
    if unsafe {
        QueryFullProcessImageNameW(process.0, PROCESS_NAME_WIN32, buf.as_mut_ptr(), &mut len)
    } == 0
    {
        return Err(io::Error::last_os_error());
    }
    let image = String::from_utf16_lossy(&buf[..len as usize]);
    Ok((user, PathBuf::from(image)))
}

/// The pid of the process that serves the pipe this client `handle` is connected to.
pub fn server_pid(handle: RawHandle) -> io::Result<u32> {
    let mut pid = 0u32;
    // SAFETY: `handle` is the open client end of a named pipe; `pid` a valid out pointer.
    if unsafe { GetNamedPipeServerProcessId(handle, &mut pid) } == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(pid)
}

/// The pid of the client connected to this server `handle`.
pub fn client_pid(handle: RawHandle) -> io::Result<u32> {
    let mut pid = 0u32;
    // SAFETY: `handle` is the connected server end of a named pipe; `pid` a valid out
    // pointer.
    if unsafe { GetNamedPipeClientProcessId(handle, &mut pid) } == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(pid)
}

/// A security descriptor that grants access to one user's SID and nobody else (no
/// Everyone read access, the default pipe security's).
#[derive(Debug)]
pub struct UserOnly {
    descriptor: PSECURITY_DESCRIPTOR,
}

// SAFETY: the descriptor is immutable memory owned by this value; nothing else holds it.
unsafe impl Send for UserOnly {}
// SAFETY: as above; it is only ever read.
unsafe impl Sync for UserOnly {}

impl UserOnly {
    /// For the user with SID `sid`.
    pub fn new(sid: &str) -> io::Result<Self> {
        if !sid.starts_with("S-") || !sid[2..].chars().all(|c| c.is_ascii_digit() || c == '-') {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a SID"));
        }
        let sddl: Vec<u16> = format!("D:P(A;;GA;;;{sid})")
            .encode_utf16()
            .chain(Some(0))
            .collect();
        let mut descriptor: PSECURITY_DESCRIPTOR = ptr::null_mut();
        // SAFETY: `sddl` is NUL-terminated UTF-16; `descriptor` a valid out pointer; the
        // size out pointer may be null.
        let ok = unsafe {
            ConvertStringSecurityDescriptorToSecurityDescriptorW(
                sddl.as_ptr(),
                SDDL_REVISION_1,
                &mut descriptor,
                ptr::null_mut(),
            )
        };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Self { descriptor })
    }

    /// Creates a pipe instance with this descriptor.
    pub fn create(&self, options: &ServerOptions, name: &str) -> io::Result<NamedPipeServer> {
        let mut attributes = SECURITY_ATTRIBUTES {
            nLength: std::mem::size_of::<SECURITY_ATTRIBUTES>() as u32,
            lpSecurityDescriptor: self.descriptor,
            bInheritHandle: 0,
        };
        // SAFETY: `attributes` is a valid SECURITY_ATTRIBUTES whose descriptor lives as
        // long as `self`, past this call (CreateNamedPipe copies it).
        unsafe {
            options.create_with_security_attributes_raw(name, ptr::from_mut(&mut attributes).cast())
        }
    }
}

impl Drop for UserOnly {
    fn drop(&mut self) {
        drop(Local(self.descriptor));
    }
}
