# Konnekt PowerShell module: cmdlets over the daemon's JSON-RPC control endpoint (docs/rpc.md).
# Every daemon call goes through Private/Invoke-KonnektRpc.ps1, so tests can mock one function.
Set-StrictMode -Version 3.0

# Tuning knobs (module scope, so tests and advanced users can read them).
# How long to wait for the endpoint to accept a connection; a local socket accepts at once when
# the daemon listens, so this only bounds the time spent on a stale socket file.
$script:KonnektConnectTimeoutMs = 5000
# docs/rpc.md section 2: the daemon refuses headers over 8 KiB and bodies over 4 MiB.
$script:KonnektMaxHeaderBytes = 8192
$script:KonnektMaxMessageBytes = 4 * 1024 * 1024
# Request ids are unique per session; one connection per request keeps the client stateless.
$script:KonnektRequestId = 0
# The numeric uid, read once (Get-KonnektUserId).
$script:KonnektUid = $null

foreach ($folder in @('Private', 'Public')) {
    $dir = Join-Path -Path $PSScriptRoot -ChildPath $folder
    foreach ($file in @(Get-ChildItem -LiteralPath $dir -Filter '*.ps1' -File | Sort-Object -Property Name)) {
        . $file.FullName
    }
}

# Mirrors the manifest's FunctionsToExport (the manifest is the list that counts).
$manifest = Import-PowerShellDataFile -LiteralPath (Join-Path -Path $PSScriptRoot -ChildPath 'Konnekt.psd1')
Export-ModuleMember -Function $manifest.FunctionsToExport -Alias @() -Variable @() -Cmdlet @()
