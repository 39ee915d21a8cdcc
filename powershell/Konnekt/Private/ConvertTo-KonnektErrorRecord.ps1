function ConvertTo-KonnektErrorRecord {
    <#
    .SYNOPSIS
    Builds the ErrorRecord for a Konnekt error: from a code, from a JSON-RPC error object, or by
    re-basing a caught Konnekt ErrorRecord on the calling cmdlet.
    .DESCRIPTION
    The FullyQualifiedErrorId is `Konnekt.<code>`; PowerShell appends `,<cmdlet>` when the public
    cmdlet writes a fresh record, which is why a caught record is rebuilt (-ErrorRecord) rather
    than re-written. The category comes from the daemon's string code (data.code); the message is
    the daemon's; no .NET stack or exception type name reaches the user. The exception carries the
    code in Exception.Data['KonnektCode'], the JSON-RPC number in ['KonnektRpcCode'] and the
    error's data member as JSON in ['KonnektData'] (strings: Windows PowerShell 5.1 only stores
    serializable values in Exception.Data).
    #>
    [CmdletBinding(DefaultParameterSetName = 'Code')]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        [Parameter(Mandatory, ParameterSetName = 'Code')]
        [string]$Code,

        [Parameter(Mandatory, ParameterSetName = 'Code')]
        [string]$Message,

        [Parameter(ParameterSetName = 'Code')]
        [object]$Data,

        [Parameter(ParameterSetName = 'Code')]
        [int]$RpcCode = 0,

        [Parameter(Mandatory, ParameterSetName = 'Rpc')]
        [object]$RpcError,

        [Parameter(ParameterSetName = 'Rpc')]
        [string]$Method,

        [Parameter(Mandatory, ParameterSetName = 'Record')]
        [System.Management.Automation.ErrorRecord]$ErrorRecord,

        [Parameter(ParameterSetName = 'Code')]
        [Parameter(ParameterSetName = 'Rpc')]
        [Parameter(ParameterSetName = 'Record')]
        [object]$TargetObject
    )

    if ($PSCmdlet.ParameterSetName -eq 'Record') {
        $exception = $ErrorRecord.Exception
        if ($null -eq $exception -or -not $exception.Data.Contains('KonnektCode')) {
            # Not ours (a bug or a PowerShell error inside a cmdlet): keep it as it is.
            return $ErrorRecord
        }
        $target = if ($PSBoundParameters.ContainsKey('TargetObject')) { $TargetObject } else { $ErrorRecord.TargetObject }
        $record = [System.Management.Automation.ErrorRecord]::new(
            $exception, "Konnekt.$($exception.Data['KonnektCode'])", $ErrorRecord.CategoryInfo.Category, $target)
        if ($ErrorRecord.ErrorDetails) { $record.ErrorDetails = $ErrorRecord.ErrorDetails }
        return $record
    }

    if ($PSCmdlet.ParameterSetName -eq 'Rpc') {
        # JSON-RPC numbers for errors that arrive without data.code (protocol errors, docs/rpc.md 4).
        $byNumber = @{
            '-32700' = 'protocolError'; '-32600' = 'protocolError'; '-32601' = 'methodNotFound'
            '-32602' = 'invalidArgument'; '-32603' = 'internal'; '-32800' = 'cancelled'
            '-32001' = 'notFound'; '-32002' = 'alreadyExists'; '-32003' = 'accessDenied'
            '-32004' = 'notSignedIn'; '-32005' = 'claimsChallenge'; '-32006' = 'throttled'
            '-32007' = 'offline'; '-32008' = 'timeout'; '-32009' = 'conflict'; '-32010' = 'locked'
            '-32011' = 'invalidName'; '-32012' = 'notADirectory'; '-32013' = 'isADirectory'
            '-32014' = 'notEmpty'; '-32015' = 'tooLarge'; '-32016' = 'quotaExceeded'
            '-32017' = 'readOnly'; '-32018' = 'notSupported'; '-32019' = 'configInvalid'
            '-32020' = 'policyLocked'; '-32021' = 'daemonUnavailable'; '-32022' = 'serviceError'
            '-32023' = 'crossDevice'
        }
        $props = $RpcError.PSObject.Properties
        $RpcCode = if ($props['code'] -and $RpcError.code -is [ValueType]) { [int]$RpcError.code } else { 0 }
        $Message = if ($props['message'] -and $RpcError.message) { [string]$RpcError.message } else { "The daemon answered error $RpcCode." }
        $Data = if ($props['data']) { $RpcError.data } else { $null }
        $Code = $null
        if ($null -ne $Data -and $Data.PSObject.Properties['code'] -and $Data.code -is [string] -and $Data.code) { $Code = $Data.code }
        if (-not $Code) { $Code = $byNumber["$RpcCode"] }
        if (-not $Code) { $Code = 'internal' }
        if ($Code -eq 'methodNotFound' -and $Method) {
            $Message = "The daemon does not know the method '$Method' (is it older than this module?). $Message"
        }
    }

    $exception = switch -CaseSensitive ($Code) {
        'notFound' { [System.Management.Automation.ItemNotFoundException]::new($Message) }
        'accessDenied' { [System.UnauthorizedAccessException]::new($Message) }
        'policyLocked' { [System.UnauthorizedAccessException]::new($Message) }
        'readOnly' { [System.UnauthorizedAccessException]::new($Message) }
        'invalidArgument' { [System.ArgumentException]::new($Message) }
        'configInvalid' { [System.ArgumentException]::new($Message) }
        'invalidName' { [System.ArgumentException]::new($Message) }
        'timeout' { [System.TimeoutException]::new($Message) }
        'notSupported' { [System.NotSupportedException]::new($Message) }
        'cancelled' { [System.OperationCanceledException]::new($Message) }
        'daemonUnavailable' { [System.IO.IOException]::new($Message) }
        default { [System.InvalidOperationException]::new($Message) }
    }
    $exception.Data['KonnektCode'] = $Code
    $exception.Data['KonnektRpcCode'] = $RpcCode
    if ($null -ne $Data) {
        $exception.Data['KonnektData'] = [string](ConvertTo-Json -InputObject $Data -Depth 10 -Compress)
    }
    $category = Get-KonnektErrorCategory -Code $Code
    $record = [System.Management.Automation.ErrorRecord]::new($exception, "Konnekt.$Code", $category, $TargetObject)
    $details = [System.Management.Automation.ErrorDetails]::new($Message)
    $action = switch -CaseSensitive ($Code) {
        'daemonUnavailable' { 'Start the daemon with Start-KonnektDaemon, then try again.' }
        'notSignedIn' { 'Sign in with Connect-Konnekt.' }
        'claimsChallenge' { 'Sign in again with Connect-Konnekt.' }
        'policyLocked' { 'This setting is fixed by your administrator (machine policy).' }
        'notSupported' { 'This version of the Konnekt daemon does not offer this yet; update Konnekt.' }
        'throttled' { 'SharePoint is throttling requests; try again later.' }
        'crossDevice' { 'Copy the item to the other library, then delete the original.' }
        default { $null }
    }
    if ($action) { $details.RecommendedAction = $action }
    $record.ErrorDetails = $details
    return $record
}
