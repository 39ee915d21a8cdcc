function Get-KonnektErrorCategory {
    <#
    .SYNOPSIS
    The PowerShell ErrorCategory for a Konnekt error code (workers/errors.ts, docs/rpc.md section 4).
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorCategory])]
    param(
        [Parameter(Mandatory)]
        [string]$Code
    )
    $category = switch -CaseSensitive ($Code) {
        'notFound' { 'ObjectNotFound' }
        'accessDenied' { 'PermissionDenied' }
        'policyLocked' { 'PermissionDenied' }
        'readOnly' { 'PermissionDenied' }
        'invalidArgument' { 'InvalidArgument' }
        'configInvalid' { 'InvalidArgument' }
        'invalidName' { 'InvalidArgument' }
        'notADirectory' { 'InvalidArgument' }
        'isADirectory' { 'InvalidArgument' }
        'notSignedIn' { 'AuthenticationError' }
        'claimsChallenge' { 'AuthenticationError' }
        'daemonUnavailable' { 'ConnectionError' }
        'throttled' { 'ConnectionError' }
        'offline' { 'ConnectionError' }
        'serviceError' { 'ConnectionError' }
        'timeout' { 'OperationTimeout' }
        'conflict' { 'ResourceBusy' }
        'locked' { 'ResourceBusy' }
        'alreadyExists' { 'ResourceExists' }
        'notEmpty' { 'InvalidOperation' }
        'crossDevice' { 'InvalidOperation' }
        'tooLarge' { 'LimitsExceeded' }
        'quotaExceeded' { 'LimitsExceeded' }
        'notSupported' { 'NotImplemented' }
        'methodNotFound' { 'NotImplemented' }
        'cancelled' { 'OperationStopped' }
        'protocolError' { 'ProtocolError' }
        default { 'NotSpecified' }
    }
    return [System.Management.Automation.ErrorCategory]$category
}
