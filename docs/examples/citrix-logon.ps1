<#
    Konnekt logon script for Citrix Virtual Apps/Desktops and Azure Virtual Desktop.

    Run it as the user (GPO user logon script, Citrix WEM external task, Intune/AVD session host
    script) with PowerShell 7 or Windows PowerShell 5.1:

        pwsh -NoProfile -NonInteractive -ExecutionPolicy Bypass -File citrix-logon.ps1

    It never blocks the logon for long: the daemon starts in the background, sign-in reuses the
    cached tokens (FSLogix keeps them in the profile container), and libraries are mapped only if
    that works. Everything it does is logged to the Konnekt log (Get-KonnektLog).

    Drives that every user gets are better configured by policy (managedMappings, see
    docs/daemon.md): the daemon maps them itself at start, with no script at all. Use a script
    like this one for what policy cannot express, e.g. mapping by group membership.
#>
[CmdletBinding()]
param(
    # Any SharePoint URL of the tenant.
    [string]$TenantUrl = 'https://contoso.sharepoint.com',
    # Short name of the tenant: the first folder under the Konnekt mount root.
    [string]$TenantName = 'contoso',
    # Sites whose document libraries get their own drive (site names as in Get-KonnektSite).
    [string[]]$Site = @('Marketing', 'Sales'),
    # Seconds to wait for an interactive sign-in before giving up (the user can sign in later).
    [int]$SignInTimeoutSeconds = 120,
    # Entra ID tenant id or domain; optional (Konnekt finds it from the URL).
    [string]$TenantId,
    # Sign in with a device code instead of a browser (sessions without a browser; the code is
    # shown as a warning).
    [switch]$DeviceCode
)

$ErrorActionPreference = 'Stop'
Import-Module -Name Konnekt

# 1. The daemon: does nothing if it already runs (a reconnected session).
Start-KonnektDaemon

# 2. Sign in. With cached tokens this returns at once; otherwise the user sees the browser
#    sign-in. A session without a browser uses -DeviceCode (the code is shown as a warning).
$tenant = Get-KonnektTenant | Where-Object Name -eq $TenantName
if (-not $tenant -or $tenant.State -ne 'connected') {
    $signIn = @{ Url = $TenantUrl; Name = $TenantName; TimeoutSeconds = $SignInTimeoutSeconds }
    if ($TenantId) { $signIn.TenantId = $TenantId }
    if ($DeviceCode) { $signIn.DeviceCode = $true }
    try {
        $tenant = Connect-Konnekt @signIn
    } catch {
        # Do not fail the logon: Konnekt keeps the tenant in needsSignIn and the user can run
        # Connect-Konnekt later.
        Write-Warning "Konnekt sign-in to $TenantUrl did not complete: $($_.Exception.Message)"
        return
    }
}

# 3. Map the libraries of the chosen sites. Each library is visible under the mount root anyway
#    (~/Konnekt/<tenant>/<site>/<library> on Linux); a drive adds a drive letter (Windows) or a
#    shortcut mount (Linux). -Persist is not used: this script runs at every logon.
$letters = [System.Collections.Generic.Queue[string]]::new([string[]]@('M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T'))
$onWindows = [System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT
foreach ($library in Get-KonnektLibrary -Tenant $TenantName | Where-Object { $Site -contains $_.Site }) {
    $alreadyMounted = Get-KonnektDrive -Tenant $TenantName | Where-Object Path -eq $library.Path
    if ($alreadyMounted) { continue }
    try {
        if ($onWindows) {
            $library | Mount-KonnektDrive -DriveLetter $letters.Dequeue() -Name "$($library.Site) - $($library.Library)"
        } else {
            $mountPoint = Join-Path -Path ([System.Environment]::GetFolderPath('UserProfile')) -ChildPath "$($library.Site) $($library.Library)"
            $null = New-Item -ItemType Directory -Path $mountPoint -Force
            $library | Mount-KonnektDrive -MountPoint $mountPoint
        }
    } catch {
        # One library that fails (letter taken, access removed) must not stop the others.
        Write-Warning "Could not map $($library.Path): $($_.Exception.Message)"
    }
}

# 4. Optional: keep a folder available offline (e.g. for laptops leaving the network).
# Add-KonnektPin -Path "$TenantName/Sales/Documents/Price lists"
