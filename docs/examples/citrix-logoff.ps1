<#
    Konnekt logoff script for Citrix Virtual Apps/Desktops and Azure Virtual Desktop.

    Konnekt writes changes to SharePoint in the background. On a non-persistent desktop the
    session's disk may be thrown away at logoff, so the logoff script gives pending uploads a
    bounded time to finish, then stops the daemon (which drains what it can and unmounts).

    Uploads that do not finish in time are not lost if the upload journal lives in the roaming
    profile (FSLogix profile container): they resume at the next logon. Without a roaming profile
    they are lost with the session, so choose the timeout with that in mind.

        pwsh -NoProfile -NonInteractive -ExecutionPolicy Bypass -File citrix-logoff.ps1

    Keep -UploadTimeoutSeconds below the logoff script limit of your platform (Group Policy
    MaxGPOScriptWait, Citrix WEM), or the platform kills the script first.
#>
[CmdletBinding()]
param(
    # How long to wait for pending uploads.
    [int]$UploadTimeoutSeconds = 120
)

Import-Module -Name Konnekt

# Nothing to do when the daemon is not running (it was never started, or crashed and the
# uploads are in the journal).
$status = Get-KonnektStatus -ErrorAction SilentlyContinue
if (-not $status) { return }

# 1. Wait for uploads, with a bound. Failed uploads are reported, not retried here.
$left = $false
try {
    $result = Wait-KonnektUpload -Timeout $UploadTimeoutSeconds -ErrorAction Stop
    if ($result.Failed -gt 0) {
        Write-Warning "Konnekt: $($result.Failed) upload(s) failed or still pending at logoff."
        $left = $true
    }
} catch {
    # OperationTimeout: still uploading after the timeout.
    Write-Warning "Konnekt: uploads still pending at logoff: $($_.Exception.Message)"
    $left = $true
}
if ($left) {
    # What is left, for support staff (also in the Konnekt log).
    Get-KonnektUpload -ErrorAction SilentlyContinue |
        ForEach-Object { Write-Warning "  $($_.State): $($_.Path) ($($_.UploadedBytes)/$($_.Size) bytes)" }
}

# 2. Stop the daemon: it finishes running requests, drains its tenant workers and unmounts.
Stop-KonnektDaemon -Confirm:$false -TimeoutSeconds 60
